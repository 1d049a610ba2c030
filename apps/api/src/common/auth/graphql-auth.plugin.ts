import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { DomainError } from '@cutover/domain';
import { rootCause } from '../errors/graphql-errors';
import type { ApiRequest } from '../http/http-request.types';
import type { DeniedAttemptAuditor } from './auth.guard';
import type { TokenAuthService } from './token-auth.service';

/**
 * Every GraphQL operation needs a token, including ones no guarded resolver would see (introspection,
 * `__typename`). Authenticates once per operation; the AuthGuard then finds the actor on the request and only
 * checks roles.
 */
export function graphqlAuthPlugin(auth: TokenAuthService, denied: DeniedAttemptAuditor): ApolloServerPlugin<{ req?: ApiRequest }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const req = rc.contextValue.req;
          if (!req || req.cutoverActor) return;
          try {
            req.cutoverActor = await auth.authenticate(req.headers.authorization);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            const action = `graphql ${rc.operation?.operation ?? 'operation'} ${rc.operationName ?? 'anonymous'}`;
            await denied.record({ req, iface: 'graphql', action, actor: null, error });
            throw new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status: error.status } } });
          }
        },
        async didEncounterErrors(rc) {
          // Refusals thrown by services (a deployer outside its scopes) are audited like the guard's own.
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
