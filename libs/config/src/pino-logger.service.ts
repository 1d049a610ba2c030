// One log format for every process (api, worker): pino JSON lines with `service`, `context`, ISO time, secrets
// redacted. Nest's own logging goes through PinoNestLogger; its boot chatter (modules initialised, routes mapped)
// is debug, so the first screen of `npm run dev` shows what matters.
import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Never logged: credentials in headers, and secret-bearing fields wherever they appear in a logged object
 * (request bodies, errors, service log calls). Kept broad on purpose: a false positive costs a "[redacted]".
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  ...['kubeconfig', 'token', 'secret', 'secretKey', 'password', 'caData', 'credentials', 'bootstrapToken'].flatMap((k) => [
    k,
    `*.${k}`,
    `*.*.${k}`,
  ]),
];

export interface LoggerOptions {
  /** `cutover-api`, `cutover-worker`. */
  service: string;
  level?: string;
  /** Where lines go (stdout by default); tests pass a stream to read every line back. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** Nest's start-up narration: one line per module and per route, useful only when debugging the wiring. */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'GraphQLModule']);

function format(message: unknown): { msg: string; obj: Record<string, unknown> } {
  if (message instanceof Error) return { msg: message.message, obj: { err: message } };
  if (typeof message === 'object' && message !== null) return { msg: '', obj: message as Record<string, unknown> };
  return { msg: String(message), obj: {} };
}

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/**
 * Nest's own logging (and `new Logger(...)` in services) as pino lines. `scope` adds fields of the moment (the api:
 * the request id of the request being served).
 */
export class PinoNestLogger implements LoggerService {
  constructor(
    private readonly logger: Logger,
    private readonly scope: () => Record<string, unknown> | undefined = () => undefined,
  ) {}

  private write(level: Level, message: unknown, params: unknown[]): void {
    const { msg, obj } = format(message);
    // Nest appends the logger's context as the last argument; `logger.log({ ... }, 'text')` puts the text before it.
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    const effective = level === 'info' && context !== undefined && BOOT_CONTEXTS.has(context) ? 'debug' : level;
    if (!this.logger.isLevelEnabled(effective)) return;
    const rest = context === undefined ? params : params.slice(0, -1);
    // Nest reports errors as (message, stack, context).
    const stack = rest.find((p): p is string => typeof p === 'string' && p.includes('\n    at '));
    const text = msg || rest.filter((p): p is string => typeof p === 'string' && p !== stack).join(' ');
    const extra: Record<string, unknown> = { ...obj, ...this.scope() };
    if (context) extra['context'] = context;
    if (stack) extra['stack'] = stack;
    this.logger[effective](extra, text);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
