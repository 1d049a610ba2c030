import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { DomainError } from '@cutover/domain';
import { requestScope } from '../logging/logger';
import { serializeOnce } from './json-body';
import { REQUEST_ID_HEADER, loggableUrl, requestIdFrom } from './http-request.types';

export const BODY_LIMIT_BYTES = 1024 * 1024;

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

/** Fastify: request ids, the id echoed back, the request scope for logs, JSON-only bodies. */
export function configureFastify(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser(['text/plain']);
  // Typed as returning a string, but Fastify sends a Buffer as it is (and takes its length for Content-Length).
  fastify.setReplySerializer((payload) => serializeOnce(payload) as string);
  // application/merge-patch+json and friends parse like JSON.
  fastify.addContentTypeParser(/^application\/[\w.-]+\+json$/i, { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, fastify.getDefaultJsonParser('error', 'error'));
  // Forms reach only FORM_ROUTES (the onRequest hook refuses them elsewhere), as the raw text their signature covers.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => done(null, body.toString()));
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    const refused = unsupportedMediaType(request.method, request.headers, request.url);
    requestScope.run({ requestId: request.id }, () => done(refused));
  });
}

/** Express: the same, with pino-http for request logs (Fastify logs requests itself). */
export function configureExpress(app: NestExpressApplication, logger: Logger): void {
  app.use(
    pinoHttp({
      logger,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = genRequestId(req);
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customProps: (req: IncomingMessage & { id?: unknown }) => ({ requestId: req.id }),
      serializers: { req: (req: { url?: string }) => ({ ...req, url: req.url === undefined ? undefined : loggableUrl(req.url) }) },
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
