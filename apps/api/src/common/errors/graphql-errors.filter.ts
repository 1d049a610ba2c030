import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ApiRequest } from '../http/http-request.types';
import { type DescribedError, describeError } from './problem.types';

// Errors Apollo raises itself before any resolver runs: the client sent a bad document or bad variables.
const requestErrorCodes = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_FOUND']);

/** The error a resolver, guard, pipe or plugin threw, under Apollo's and graphql-js's wrappers. */
export function rootCause(error: unknown): unknown {
  let root = unwrapResolverError(error);
  while (root instanceof GraphQLError && root.originalError) root = root.originalError;
  return root;
}

function describeGraphqlError(formatted: GraphQLFormattedError, error: unknown): DescribedError {
  const root = rootCause(error);
  const apolloCode = formatted.extensions?.['code'];
  if (root instanceof GraphQLError && typeof apolloCode === 'string' && requestErrorCodes.has(apolloCode)) {
    return { code: 'BAD_REQUEST', status: 400, detail: formatted.message, errors: [], details: {}, unexpected: false };
  }
  return describeError(root);
}

/**
 * The one GraphQL error formatter: the same `code`, `status` and field `errors[]` as the REST problem document,
 * in `extensions`. Unknown errors lose their message (logged by `graphqlErrorLogging`).
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const described = describeGraphqlError(formatted, error);
  const extensions: Record<string, unknown> = { code: described.code, status: described.status, errors: described.errors };
  if (Object.keys(described.details).length > 0) extensions['details'] = described.details;
  // Errors answered before any plugin hook (the context's authentication) carry their request id themselves.
  const requestId = formatted.extensions?.['requestId'];
  if (typeof requestId === 'string') extensions['requestId'] = requestId;
  return {
    message: described.unexpected ? described.detail : formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions,
  };
}

type Context = { req?: ApiRequest };

/** Logs unexpected resolver errors with the request id and adds `requestId` to every error's extensions. */
export function graphqlErrorLogging(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors(rc: GraphQLRequestContext<Context>) {
          for (const error of rc.errors ?? []) {
            const root = rootCause(error);
            const apolloCode = error.extensions?.['code'];
            const clientMistake = root instanceof GraphQLError && typeof apolloCode === 'string' && requestErrorCodes.has(apolloCode);
            if (!clientMistake && describeError(root).unexpected) {
              logger.error({ err: root, requestId: rc.contextValue.req?.id, operation: rc.operationName }, 'unhandled GraphQL error');
            }
          }
        },
        async willSendResponse(rc: GraphQLRequestContext<Context>) {
          const body = rc.response.body;
          const requestId = rc.contextValue.req?.id;
          if (body?.kind !== 'single' || !body.singleResult.errors || !requestId) return;
          body.singleResult.errors = body.singleResult.errors.map((e) => ({ ...e, extensions: { ...e.extensions, requestId } }));
        },
      };
    },
  };
}
