import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { type Actor, DomainError, type Role } from '@cutover/domain';
import { type AuditInput, AuditRepository } from '@cutover/persistence';
import { apiRequestOf, interfaceOf } from '../context/ctx.decorator';
import { type ApiRequest, routeOf } from '../http/http-request.types';
import { ACTION_KEY, PUBLIC_KEY, ROLE_KEY, TICKET_KEY } from './auth.decorators';
import { FailedAuthentications } from './failed-auth.service';
import { roleAllows } from './roles.rules';
import { SessionService, type SessionRequest, sessionCookieOf } from './session.service';
import { StreamTicketService } from './stream-ticket.service';
import { TokenAuthService } from './token-auth.service';

/** What a refused attempt is recorded as. */
export interface DeniedAttempt {
  req: ApiRequest;
  iface: 'rest' | 'graphql';
  action: string;
  actor: Actor | null;
  error: DomainError;
}

/**
 * Writes the audit row of a refused attempt (401, 403 or 429) in a transaction of its own. Failed authentications
 * (401, 429) are aggregated per client address and window by FailedAuthentications; 403s of known tokens are one
 * row each.
 */
@Injectable()
export class DeniedAttemptAuditor {
  private readonly logger = new Logger(DeniedAttemptAuditor.name);
  private readonly recorded = new WeakSet<DomainError>();

  constructor(
    private readonly audit: AuditRepository,
    private readonly failures: FailedAuthentications,
  ) {}

  /**
   * Whether this refusal needs recording: a 401/403 not yet audited. The guard records its own; the error filter
   * and the GraphQL plugin record the ones services throw (a deployer outside its scopes).
   */
  needsRecord(error: unknown): error is DomainError {
    return error instanceof DomainError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') && !this.recorded.has(error);
  }

  async record({ req, iface, action, actor, error }: DeniedAttempt): Promise<void> {
    this.recorded.add(error);
    try {
      const write = this.failures.aggregates(error) ? (entry: AuditInput) => this.failures.record(entry) : (entry: AuditInput) => this.audit.appendStandalone(entry);
      await write({
        actorTokenId: actor?.tokenId ?? null,
        actorName: actor?.name ?? 'anonymous',
        action,
        resourceType: 'api',
        resourceId: null,
        requestId: req.id,
        interface: iface,
        clientAddress: req.ip ?? null,
        outcome: 'denied',
        statusCode: error.status,
        reason: error.message,
      });
    } catch (err) {
      // The refusal stands even if it could not be recorded; the failure is loud in the logs.
      this.logger.error({ err, requestId: req.id, action }, 'could not audit a denied attempt');
    }
  }
}

/** `?ticket=` of a stream request (the first, when repeated). */
function ticketOf(req: ApiRequest): string | undefined {
  const query = (req as ApiRequest & { query?: Record<string, unknown> }).query;
  const value = query?.ticket;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

interface RouteRule {
  isPublic: boolean;
  role: Role | undefined;
  acceptsTicket: boolean;
}

/**
 * Global guard for REST and GraphQL: a valid bearer token (or, on REST, a dashboard session cookie with its CSRF
 * header for changes) on everything not marked @Public(), and the role named by @Roles(). Refusals are audited (outcome denied) before the 401/403 is thrown.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly rules = new WeakMap<object, WeakMap<object, RouteRule>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: TokenAuthService,
    private readonly failures: FailedAuthentications,
    private readonly denied: DeniedAttemptAuditor,
    private readonly tickets: StreamTicketService,
    private readonly sessions: SessionService,
  ) {}

  /**
   * Synchronous when it can be (a public route, or a token found in the token cache): a guard that answers a
   * boolean spares Nest's promise chain, and every promise costs more while the request scope (AsyncLocalStorage)
   * is tracked. A first lookup and every refusal (which is audited before the error) go the async way.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.ruleOf(context);
    if (rule.isPublic) return true;
    const req = apiRequestOf(context);
    if (!req.cutoverActor) {
      const actor = this.auth.authenticateCached(req.headers.authorization);
      if (!actor) return this.authenticateAndCheck(context, req, rule);
      req.cutoverActor = actor;
    }
    return this.checkRole(context, req, req.cutoverActor, rule);
  }

  private async authenticateAndCheck(context: ExecutionContext, req: ApiRequest, rule: RouteRule): Promise<boolean> {
    let actor: Actor;
    const sessionReq = req as SessionRequest;
    try {
      // A token, a stream ticket or a dashboard session cookie: any failure counts toward the address's limit.
      const ticket = rule.acceptsTicket && !req.headers.authorization ? ticketOf(req) : undefined;
      const cookie = ticket === undefined && !req.headers.authorization ? sessionCookieOf(req.headers) : undefined;
      if (ticket !== undefined) actor = await this.failures.authenticate(req, () => this.tickets.redeem(ticket));
      else if (cookie !== undefined) {
        actor = await this.failures.authenticate(req, async () => {
          const found = await this.sessions.authenticate(cookie);
          sessionReq.cutoverSession = found.session;
          return found.actor;
        });
      } else actor = await this.failures.authenticate(req);
    } catch (error) {
      if (error instanceof DomainError) await this.denied.record({ req, iface: interfaceOf(context), action: this.actionOf(context, req), actor: null, error });
      throw error;
    }
    req.cutoverActor = actor;
    if (sessionReq.cutoverSession) {
      try {
        this.sessions.assertMutationAllowed(sessionReq, sessionReq.cutoverSession);
      } catch (error) {
        if (error instanceof DomainError) await this.denied.record({ req, iface: interfaceOf(context), action: this.actionOf(context, req), actor, error });
        throw error;
      }
    }
    return this.checkRole(context, req, actor, rule);
  }

  private checkRole(context: ExecutionContext, req: ApiRequest, actor: Actor, rule: RouteRule): true | Promise<never> {
    const required = rule.role;
    if (!required || roleAllows(actor.role, required)) return true;
    const error = new DomainError('FORBIDDEN', `This needs the ${required} role; token "${actor.name}" is ${actor.role}.`, [], { required });
    return this.denied.record({ req, iface: interfaceOf(context), action: this.actionOf(context, req), actor, error }).then(() => {
      throw error;
    });
  }

  /** @Public() and @Roles() of a handler, read once per handler and class instead of on every request. */
  private ruleOf(context: ExecutionContext): RouteRule {
    const handler = context.getHandler();
    const cls = context.getClass();
    let byHandler = this.rules.get(cls);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.rules.set(cls, byHandler);
    }
    let rule = byHandler.get(handler);
    if (!rule) {
      const targets = [handler, cls];
      rule = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true,
        role: this.reflector.getAllAndOverride<Role | undefined>(ROLE_KEY, targets),
        acceptsTicket: this.reflector.get<boolean | undefined>(TICKET_KEY, handler) === true,
      };
      byHandler.set(handler, rule);
    }
    return rule;
  }

  private actionOf(context: ExecutionContext, req: ApiRequest): string {
    return this.reflector.get<string | undefined>(ACTION_KEY, context.getHandler()) ?? this.fallbackAction(context, req);
  }

  private fallbackAction(context: ExecutionContext, req: ApiRequest): string {
    if (context.getType<string>() === 'graphql') {
      const info = GqlExecutionContext.create(context).getInfo<{ parentType: { name: string }; fieldName: string }>();
      return `graphql ${info.parentType.name}.${info.fieldName}`;
    }
    return routeOf(req);
  }
}
