/**
 * Where the server's log lines go: stdout through a buffered, asynchronous pino destination
 * (sonic-boom). A line costs a string append, not a `write(2)` system call; the buffer goes out
 * once it holds 4 KiB or after at most a second, in one write. A clean shutdown (and any
 * `process.exit`, uncaught exceptions included) flushes what is left synchronously, so only a
 * SIGKILL or a crash of the runtime itself can lose lines: at most the last second's or 4 KiB.
 */
import pino from 'pino';

/** A buffered destination and the means to empty it. */
export interface LogDestination {
  stream: pino.DestinationStream;
  /** writes every buffered line now (synchronously) */
  flush(): void;
}

/** Buffer size that triggers a write, and the longest a line waits (ms). */
export const LOG_BUFFER_BYTES = 4096;
export const LOG_FLUSH_INTERVAL_MS = 1000;

/** A buffered stdout destination, flushed on process exit. */
export function bufferedStdout(fd = 1): LogDestination {
  const stream = pino.destination({ dest: fd, sync: false, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
  const flush = (): void => {
    try {
      stream.flushSync();
    } catch {
      // nothing buffered yet (the file is still opening) or stdout is gone: nothing to save
    }
  };
  process.once('exit', flush);
  return { stream, flush };
}
