import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { DomainError } from '@cutover/domain';
import { rootCause } from '../errors/graphql-errors.filter';
import type { ApiRequest } from '../http/http-request.types';
import type { DeniedAttemptAuditor } from './auth.guard';
import type { FailedAuthentications } from './failed-auth.service';
import { wsRequestOf } from './graphql-ws-auth.plugin';

/** An authentication refusal as a GraphQL error Apollo answers with the right status (and Retry-After for 429). */
function refusal(error: DomainError, requestId: string | undefined): GraphQLError {
  const headers = new HeaderMap();
  const retryAfter = error.details['retryAfterSeconds'];
  if (typeof retryAfter === 'number') headers.set('retry-after', String(retryAfter));
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, requestId, http: { status: error.status, headers } } });
}

/**
 * The GraphQL context: every operation over HTTP needs a token, checked before the document is even parsed or
 * validated, so an anonymous caller learns nothing of the schema (no field suggestions, no validation messages)
 * and a parser bomb costs it a 401. Failed authentication is rate-limited and audited like REST's.
 * (A WebSocket transport authenticates its connection in its own context function.)
 */
export function graphqlContext(failures: FailedAuthentications, denied: DeniedAttemptAuditor) {
  return async (arg: unknown): Promise<{ req: ApiRequest | undefined }> => {
    const ws = wsRequestOf(arg);
    if (ws) return ws;
    // Fastify passes the request, Express `{req, res}`.
    const http = arg as { req?: ApiRequest } & ApiRequest;
    const req = http.req ?? http;
    if (!req.headers || req.cutoverActor) return { req };
    try {
      req.cutoverActor = await failures.authenticate(req);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const operationName = (req.body as { operationName?: unknown } | undefined)?.operationName;
      const action = `graphql ${typeof operationName === 'string' ? operationName.slice(0, 100) : 'operation'}`;
      await denied.record({ req, iface: 'graphql', action, actor: null, error });
      throw refusal(error, req.id);
    }
    return { req };
  };
}

/**
 * Operations over HTTP are queries and mutations. A subscription (served by a WebSocket transport, when there is
 * one) sent as a POST is a client mistake: a 400 with a code, not graphql-js's "not configured" INTERNAL.
 * Also audits refusals thrown by services (a deployer outside its scopes) like the guard's own.
 */
export function graphqlAuthPlugin(denied: DeniedAttemptAuditor): ApolloServerPlugin<{ req?: ApiRequest }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (rc.operation?.operation !== 'subscription') return;
          throw new GraphQLError('Subscriptions are not served over HTTP POST/GET; open a graphql-ws WebSocket on /graphql for them.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        },
        async didEncounterErrors(rc) {
          const req = rc.contextValue.req;
          if (!req) return;
          for (const error of rc.errors) {
            const root = rootCause(error);
            if (!denied.needsRecord(root)) continue;
            const field = error.path?.[0];
            await denied.record({ req, iface: 'graphql', action: `graphql ${String(field ?? rc.operationName ?? 'operation')}`, actor: req.cutoverActor ?? null, error: root });
          }
        },
      };
    },
  };
}
