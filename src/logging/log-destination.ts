/**
 * Where the server's log lines go: stdout through a buffer. A line costs a string append; the
 * buffer goes out in one `write(2)` once it holds 4 KiB (about twenty access-log lines), and at
 * least once a second. A clean shutdown and any `process.exit` (uncaught exceptions included)
 * write what is left, so only a SIGKILL or a crash of the runtime itself loses lines: at most
 * the last 4 KiB or the last second's.
 *
 * Why not pino's asynchronous destination (sonic-boom, `sync: false`): after each write it sends
 * whatever is buffered at once, so under load it made one thread-pool write per few lines, which
 * cost more CPU per line than writing each line synchronously (measured: docs/benchmarks.md).
 */
import { writeSync } from 'node:fs';

/** Buffer size that triggers a write, and the longest a line waits (ms). */
export const LOG_BUFFER_BYTES = 4096;
export const LOG_FLUSH_INTERVAL_MS = 1000;

/** A pino destination (`write(line)`) that buffers lines and writes them in blocks. */
export class BufferedLogStream {
  /** lines are encoded straight into this block (no string concatenation, no Buffer per flush) */
  private readonly block: Buffer;
  private used = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly fd: number,
    private readonly minLength = LOG_BUFFER_BYTES,
    flushIntervalMs = LOG_FLUSH_INTERVAL_MS,
  ) {
    this.block = Buffer.allocUnsafe(minLength * 4);
    this.timer = setInterval(() => this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /** Takes one line (pino hands over whole lines, newline included). */
  write(line: string): boolean {
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    const most = line.length * 3;
    if (most > this.block.length - this.used) {
      this.flush();
      if (most > this.block.length) {
        this.writeAll(Buffer.from(line, 'utf8'));
        return true;
      }
    }
    this.used += this.block.write(line, this.used, 'utf8');
    if (this.used >= this.minLength) this.flush();
    return true;
  }

  /** Writes every buffered line now. */
  flush(): void {
    if (this.used === 0) return;
    const length = this.used;
    this.used = 0;
    this.writeAll(this.block.subarray(0, length));
  }

  private writeAll(bytes: Buffer): void {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(this.fd, bytes, off, bytes.length - off);
      } catch (err) {
        // a non-blocking pipe that is full: wait a moment for the reader, as pino's own destination does
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
  }

  /** Writes what is left and stops the timer. */
  end(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** A buffered destination and the means to empty it. */
export interface LogDestination {
  stream: BufferedLogStream;
  /** writes every buffered line now (synchronously) */
  flush(): void;
}

/** A buffered stdout destination, flushed on process exit. */
export function bufferedStdout(fd = 1): LogDestination {
  const stream = new BufferedLogStream(fd);
  const flush = (): void => {
    try {
      stream.flush();
    } catch {
      // stdout is gone: nothing to save the lines to
    }
  };
  process.once('exit', flush);
  return { stream, flush };
}
