import { AsyncLocalStorage } from 'node:async_hooks';
import type { DestinationStream, Logger } from 'pino';
import { PinoNestLogger, createLogger as createServiceLogger } from '@cutover/config';

/** The request id of the request being served, for log lines written outside the request's own logger. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

export interface ApiLoggerOptions {
  level?: string;
  /** Where lines go (stdout by default); tests pass a stream to read every line back. */
  destination?: DestinationStream;
}

/** The api's pino logger: the same format as the worker's (@cutover/config), service `cutover-api`. */
export function createLogger(options: ApiLoggerOptions = {}): Logger {
  return createServiceLogger({ service: 'cutover-api', ...options });
}

/** Nest's logging as the api's pino lines, with the id of the request being served. */
export function apiNestLogger(logger: Logger): PinoNestLogger {
  return new PinoNestLogger(logger, () => {
    const requestId = requestScope.getStore()?.requestId;
    return requestId ? { requestId } : undefined;
  });
}
