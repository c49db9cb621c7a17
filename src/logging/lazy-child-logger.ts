/**
 * A request's logger that becomes a real pino child only when a line is written through it.
 * Fastify makes a child logger (bound to the request id) for every request; with redaction on,
 * pino runs the bindings through the redactor and serializes them at once — about a tenth of a
 * GET's instructions at `LOG_LEVEL=warn`, where most requests never log a line.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** The parent's level check, when it is a pino logger (an abstract logger has none). */
type LevelAware = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
type PinoParent = FastifyBaseLogger & { isLevelEnabled: (level: string) => boolean };

class LazyChildLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: PinoParent,
    private readonly childBindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** The pino child, made on first use. */
  private get logger(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.childBindings, this.options));
  }

  private write(level: Level, args: unknown[]): void {
    // a level the parent does not log costs nothing and makes no child
    if (this.real === undefined && !this.parent.isLevelEnabled(level)) return;
    (this.logger[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): LevelWithSilentOrString {
    return this.real?.level ?? this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.logger.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.real === undefined ? this.parent.isLevelEnabled(level) : (this.real as LevelAware).isLevelEnabled?.(level) ?? true;
  }

  // prototype methods, not per-instance arrow functions: a request logger is made per request
  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }

  bindings(): Bindings {
    return (this.logger as FastifyBaseLogger & { bindings(): Bindings }).bindings();
  }
}

/**
 * Fastify's `childLoggerFactory`: a lazy child over a pino parent; a plain child when the parent
 * cannot tell its level or the child brings its own level (a route's `logLevel`).
 */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const parent = logger as LevelAware;
  if (typeof parent.isLevelEnabled !== 'function' || options.level !== undefined) return logger.child(bindings, options);
  return new LazyChildLogger(parent as PinoParent, bindings, options) as unknown as FastifyBaseLogger;
}
