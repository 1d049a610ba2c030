import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

/**
 * Fastify's per-request logger (`request.log`, `reply.log`), carrying the request id, created only when a line is
 * actually written at an enabled level. pino's `child()` runs the redaction of the api's wildcard paths over the
 * bindings, so an eager child per request cost more than the rest of a cached read's logging put together; most
 * requests never write a line of their own.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  private logger: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {
    // A route's own log level changes what is enabled: then the child is needed to answer that.
    if (options.level !== undefined) this.logger = parent.child(bindings, options);
  }

  /** The child logger with the request's bindings (made on first use). */
  resolve(): Logger {
    this.logger ??= this.parent.child(this.bindings, this.options);
    return this.logger;
  }

  get level(): string {
    return (this.logger ?? this.parent).level;
  }

  set level(level: string) {
    this.resolve().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.logger ?? this.parent).isLevelEnabled(level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.resolve().child(bindings, options);
  }

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

  private write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    const logger = this.resolve();
    (logger[level] as (...a: unknown[]) => void).apply(logger, args);
  }
}

/** Fastify's `childLoggerFactory`: see LazyRequestLogger. */
export function lazyRequestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(parent as Logger, bindings, options);
}

/**
 * The URL as the access log writes it: parameter names kept, values replaced, because a query string may carry what
 * must never be logged (a token pasted as `?access_token=`, a name with a secret in it). The path stays as it is.
 */
export function redactQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, q)}?${names.join('&')}`;
}

/**
 * One access-log line per request, on completion (method, URL, status, time, and the request id from the request's
 * logger), instead of Fastify's two lines with the full request and response serialisers. Nothing is built when
 * the level is off. Fastify's other lines (stream errors and the like) are unchanged.
 */
export class ApiLogController extends LogController {
  constructor(
    private readonly logger: Logger,
    /** The level of a completed request's line (ACCESS_LOG_LEVEL); errors are always `error`. */
    private readonly level: 'info' | 'debug' = 'info',
  ) {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!this.logger.isLevelEnabled(error ? 'error' : this.level)) return;
    const line = {
      method: request.method,
      url: redactQuery(request.url),
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
      remoteAddress: request.ip,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log[this.level](line, 'request completed');
  }
}
