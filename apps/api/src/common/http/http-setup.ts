import { randomUUID } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { ApiConfig } from '@cutover/config';
import { DomainError } from '@cutover/domain';
import { describeError, toProblem } from '../errors/problem.types';
import { requestScope } from '../logging/logger';
import { redactQuery } from '../logging/request-logger';
import { serializeOnce } from './json-body';
import { REQUEST_ID_HEADER, requestIdFrom } from './http-request.types';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The longest route parameter the router accepts (Fastify's default is 100). The longest valid one is a release
 * version (128 characters, see MAX_VERSION_LENGTH); percent-encoding may triple it. Longer is a 414 problem.
 */
export const MAX_PARAM_LENGTH = 3 * 128;

/** What the router itself refuses before any hook or filter runs, as problem documents like everything else. */
function frameworkProblem(error: Error & { code?: string }): DomainError {
  if (error.code === 'FST_ERR_BAD_URL') return new DomainError('BAD_REQUEST', 'The request path is not valid percent-encoding (RFC 3986); encode reserved and non-ASCII characters as UTF-8 %XX.');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return new DomainError('URI_TOO_LONG', `A path parameter is longer than ${MAX_PARAM_LENGTH} characters; no name, id or version is that long.`);
  return new DomainError('BAD_REQUEST', 'The request could not be routed.');
}

/**
 * Errors Node's HTTP parser raises before there is a request (a timed-out or malformed one): answered on the raw
 * socket as a problem document too, then the socket is closed (as Node and Fastify do by default).
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new DomainError('REQUEST_TIMEOUT', 'The request (headers and body) did not arrive in time; send it at once.')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? new DomainError('BAD_REQUEST', 'The request headers are too large.')
        : new DomainError('BAD_REQUEST', 'The request is not valid HTTP/1.1.');
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.status;
  const body = JSON.stringify({ ...toProblem(describeError(error), 'none'), status });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

type ApiFastifyOptions = {
  clientErrorHandler: typeof clientErrorHandler;
  bodyLimit: number;
  routerOptions: { maxParamLength: number };
  requestTimeout: number;
  http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
  frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => void;
};

/**
 * Fastify server options of the api: body and parameter limits, and slow-client timeouts. Headers must arrive within
 * `headersMs` and the whole request within `requestMs` (Node answers 408 and closes the socket), so a half-sent or
 * trickled body cannot hold a connection open; responses are not limited (event streams stay open).
 */
export function fastifyServerOptions(timeouts: ApiConfig['httpTimeouts']): ApiFastifyOptions {
  return {
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: timeouts.requestMs,
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // Node checks the two timeouts on this period (30 s by default), which would stretch a 10 s limit to 40 s.
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      const problem = toProblem(describeError(frameworkProblem(error)), request.id);
      void reply.code(problem.status).header(REQUEST_ID_HEADER, request.id).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(problem));
    },
  };
}

const jsonType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const formType = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Slack posts forms, and signs their raw bytes: these routes take a form body, kept as text for the signature. */
export const FORM_ROUTES = /^\/v1\/chatops\/slack\/(?:commands|interactions)(?:\?|$)/;

/** A body that is not JSON on a method that carries one: 415 before any parser or handler sees it. */
export function unsupportedMediaType(method: string, headers: IncomingMessage['headers'], url = ''): DomainError | undefined {
  if (!bodyMethods.has(method)) return undefined;
  if (FORM_ROUTES.test(url)) {
    const type = headers['content-type'];
    return type && formType.test(type) ? undefined : new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Slack endpoints take application/x-www-form-urlencoded bodies.');
  }
  const length = headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  const type = headers['content-type'];
  if (type && jsonType.test(type)) return undefined;
  return new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the body as application/json${type ? `, not ${type.split(';')[0]}` : ''}.`);
}

export function genRequestId(req: IncomingMessage): string {
  return requestIdFrom(req.headers[REQUEST_ID_HEADER], randomUUID);
}

/** One route as the HTTP router holds it. */
export interface RegisteredRoute {
  method: string;
  url: string;
}

const registered = new WeakMap<object, RegisteredRoute[]>();

/**
 * Every route the Fastify router registered (controllers, GraphQL, API docs, static files), recorded as it was
 * added: the security suite's inventory, so a route nobody listed cannot slip past it.
 */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return [...(registered.get(app.getHttpAdapter().getInstance()) ?? [])];
}

/** Told of every answer: the route's template (never the raw path, so metrics stay bounded), method, status, time. */
export type HttpObserver = (route: string, method: string, status: number, seconds: number) => void;

/** Fastify: request ids, the id echoed back, the request scope for logs, JSON-only bodies, answers observed. */
export function configureFastify(app: NestFastifyApplication, observe?: HttpObserver): void {
  const fastify = app.getHttpAdapter().getInstance();
  if (observe) {
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      observe(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
  const routes: RegisteredRoute[] = [];
  registered.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of ([] as string[]).concat(route.method)) routes.push({ method, url: route.url });
  });
  fastify.removeContentTypeParser(['text/plain']);
  // Typed as returning a string, but Fastify sends a Buffer as it is (and takes its length for Content-Length).
  fastify.setReplySerializer((payload) => serializeOnce(payload) as string);
  // JSON, application/merge-patch+json and friends: an empty body is no body (`curl -H 'content-type:
  // application/json' -X POST …/check` sends one on a route that takes none), anything else parses strictly.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const parseJsonOrNothing = (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    if (body.length === 0) return done(null, undefined);
    // Fastify's parser is typed for its overloads; it takes the string it asked for.
    (parseJson as (req: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void) => void)(request, body.toString(), done);
  };
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, parseJsonOrNothing);
  fastify.addContentTypeParser(/^application\/[\w.-]+\+json$/i, { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, parseJsonOrNothing);
  // Forms reach only FORM_ROUTES (the onRequest hook refuses them elsewhere), as the raw text their signature covers.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => done(null, body.toString()));
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    const refused = unsupportedMediaType(request.method, request.headers, request.url);
    requestScope.run({ requestId: request.id }, () => done(refused));
  });
}

/** Express: the same, with pino-http for request logs (Fastify logs requests itself). */
export function configureExpress(app: NestExpressApplication, logger: Logger, observe?: HttpObserver, accessLogLevel: 'info' | 'debug' = 'info'): void {
  if (observe) {
    app.use((req: IncomingMessage & { route?: { path?: string }; baseUrl?: string }, res: ServerResponse, next: () => void) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const route = req.route?.path !== undefined ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
        observe(route, req.method ?? 'GET', res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    });
  }
  app.use(
    pinoHttp({
      logger,
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : accessLogLevel),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = genRequestId(req);
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customProps: (req: IncomingMessage & { id?: unknown }) => ({ requestId: req.id }),
      serializers: { req: (req: { url?: string }) => ({ ...req, url: req.url === undefined ? undefined : redactQuery(req.url) }) },
    }),
  );
  app.use((req: IncomingMessage & { id?: unknown }, _res: ServerResponse, next: (err?: unknown) => void) => {
    const refused = unsupportedMediaType(req.method ?? 'GET', req.headers, req.url ?? '');
    requestScope.run({ requestId: String(req.id) }, () => next(refused));
  });
  app.useBodyParser('json', { limit: BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] });
  app.useBodyParser('text', { limit: BODY_LIMIT_BYTES, type: 'application/x-www-form-urlencoded' });
  // Nest answers objects through res.json: same serialise-once as Fastify's reply serializer.
  const response = (app.getHttpAdapter().getInstance() as { response: { json: (body: unknown) => unknown } }).response;
  response.json = function json(this: { get: (h: string) => unknown; set: (h: string, v: string) => void; send: (b: string | Buffer) => unknown }, body: unknown) {
    if (!this.get('content-type')) this.set('content-type', 'application/json; charset=utf-8');
    return this.send(serializeOnce(body));
  };
}
