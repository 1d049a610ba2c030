import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '@cutover/domain';
import { formatGraphqlError } from '../errors/graphql-errors.filter';
import type { ApiRequest } from '../http/http-request.types';
import type { DeniedAttemptAuditor } from './auth.guard';
import type { FailedAuthentications } from './failed-auth.service';

/** What graphql-ws keeps per socket (`ctx.extra`); the authenticated request is added on connection_init. */
interface WsExtra {
  request: IncomingMessage;
  cutoverReq?: ApiRequest;
}

interface WsContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: unknown;
}

function isWsContext(value: unknown): value is WsContext {
  return typeof value === 'object' && value !== null && 'extra' in value && 'connectionParams' in value;
}

/**
 * GraphQL subscriptions over graphql-ws on /graphql. A browser cannot send headers on a WebSocket, so the token
 * comes in connection_init: `{ "authorization": "Bearer <token>" }`. Checked once per connection (a refusal closes
 * the socket with 4403 and is audited); each operation then runs with that actor, through the same AuthGuard.
 */
export function graphqlWsOptions(failures: FailedAuthentications, denied: DeniedAttemptAuditor) {
  return {
    path: '/graphql',
    onConnect: async (ctx: WsContext): Promise<boolean> => {
      const extra = ctx.extra as WsExtra;
      const request = extra.request;
      const req: ApiRequest = {
        id: randomUUID(),
        ip: request.socket.remoteAddress,
        method: 'GET',
        url: '/graphql',
        headers: {},
      };
      const value = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      try {
        // Rate-limited per address like every other authentication.
        req.cutoverActor = await failures.authenticate({ headers: { authorization: typeof value === 'string' ? value : undefined }, ip: req.ip });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await denied.record({ req, iface: 'graphql', action: 'graphql subscription connect', actor: null, error });
        return false;
      }
      extra.cutoverReq = req;
      return true;
    },
    // Errors read the same as over HTTP (code, status, errors[] with field paths): Apollo's formatError does not
    // see what graphql-ws sends.
    onNext: (_ctx: unknown, _id: unknown, _payload: unknown, _args: unknown, result: { errors?: readonly GraphQLError[] }) =>
      result.errors ? { ...result, errors: result.errors.map((e) => formatGraphqlError(e.toJSON(), e)) } : undefined,
    onError: (_ctx: unknown, _id: unknown, _payload: unknown, errors: readonly GraphQLFormattedError[]) => errors.map((e) => formatGraphqlError(e, e)),
  };
}

/** The request a graphql-ws operation runs as (authenticated on connection_init); null for an HTTP operation. */
export function wsRequestOf(arg: unknown): { req: ApiRequest | undefined } | null {
  return isWsContext(arg) ? { req: (arg.extra as WsExtra).cutoverReq } : null;
}
