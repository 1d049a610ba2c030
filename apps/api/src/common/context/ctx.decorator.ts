import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError, type RequestContext } from '@cutover/domain';
import type { ApiRequest } from '../http/http-request.types';

/** The request behind a REST call or a GraphQL operation (the GraphQL context carries it as `req`). */
export function apiRequestOf(context: ExecutionContext): ApiRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: ApiRequest }>().req;
  }
  return context.switchToHttp().getRequest<ApiRequest>();
}

export function interfaceOf(context: ExecutionContext): 'rest' | 'graphql' {
  return context.getType<string>() === 'graphql' ? 'graphql' : 'rest';
}

export function requestContextOf(req: ApiRequest, iface: 'rest' | 'graphql'): RequestContext {
  if (!req.cutoverActor) {
    // Only reachable on a @Public() route: those must not ask who is calling.
    throw new DomainError('UNAUTHENTICATED', 'This operation needs an authenticated caller.');
  }
  return { actor: req.cutoverActor, requestId: req.id, interface: iface, clientAddress: req.ip ?? null };
}

/**
 * `@Ctx() ctx: RequestContext` in a controller or resolver method: the actor from the bearer token, the request id,
 * the interface ('rest' | 'graphql') and the client address. Pass it to the service; audit entries are built from it.
 */
export const Ctx = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContext =>
  requestContextOf(apiRequestOf(context), interfaceOf(context)),
);
