import { SetMetadata } from '@nestjs/common';
import type { Role } from '@cutover/domain';

export const PUBLIC_KEY = 'cutover:public';
export const ROLE_KEY = 'cutover:role';
export const ACTION_KEY = 'cutover:action';
export const TICKET_KEY = 'cutover:stream-ticket';

/** No token needed (health probes, API docs). Everything else needs `Authorization: Bearer <token>`. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * The lowest role allowed (viewer < deployer < admin); without it any authenticated token may call.
 * On a method it overrides the class. Deployer scopes (apps/environments) are checked by the service, which
 * knows the resource: see `assertInScope()`.
 */
export const Roles = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(ROLE_KEY, role);

/** The audit action name used when the guard refuses the call (`cluster.register`); else `<METHOD> <route>`. */
export const AuditAction = (action: string): MethodDecorator => SetMetadata(ACTION_KEY, action);

/**
 * Besides the bearer token, a stream ticket in `?ticket=` authenticates (event streams only: an EventSource cannot
 * send headers). See StreamTicketService.
 */
export const AcceptsStreamTicket = (): MethodDecorator => SetMetadata(TICKET_KEY, true);
