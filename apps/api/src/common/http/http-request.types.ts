import type { IncomingHttpHeaders } from 'node:http';
import type { Actor } from '@cutover/domain';

/**
 * The part of a request the api relies on, common to Fastify and Express requests (both set `id` — Fastify
 * natively, Express through pino-http — and `ip`). The guard stores the authenticated actor on it.
 */
export interface ApiRequest {
  id: string;
  ip?: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Fastify: the matched route template. */
  routeOptions?: { url?: string };
  /** Express: the matched route. */
  route?: { path?: string };
  cutoverActor?: Actor;
  /** The parsed body (GraphQL reads its operationName for audit rows). */
  body?: unknown;
}

export const REQUEST_ID_HEADER = 'x-request-id';

const acceptableRequestId = /^[\w.:@-]{1,128}$/;

/** A caller's request id is honoured only when it is short and plain, so it cannot forge or split log lines. */
export function requestIdFrom(header: string | string[] | undefined, generate: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && acceptableRequestId.test(value) ? value : generate();
}

/** `GET /v1/apps/:app` — the route template when one matched, else the path without its query. */
export function routeOf(req: ApiRequest): string {
  const template = req.routeOptions?.url ?? req.route?.path;
  const path = template ?? req.url.split('?')[0];
  return `${req.method} ${path}`;
}

/** A URL fit for a log line: a stream ticket (`?ticket=`) is a credential while it is unused, so it is never logged. */
export function loggableUrl(url: string): string {
  return url.includes('ticket=') ? url.replace(/([?&]ticket=)[^&#]*/g, '$1[redacted]') : url;
}
