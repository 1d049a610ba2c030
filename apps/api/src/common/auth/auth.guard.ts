import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { type Actor, DomainError, type Role } from '@cutover/domain';
import { AuditRepository } from '@cutover/persistence';
import { apiRequestOf, interfaceOf } from '../context/ctx.decorator';
import { type ApiRequest, routeOf } from '../http/http-request.types';
import { ACTION_KEY, PUBLIC_KEY, ROLE_KEY } from './auth.decorators';
import { roleAllows } from './roles';
import { TokenAuthService } from './token-auth.service';

/** What a refused attempt is recorded as. */
export interface DeniedAttempt {
  req: ApiRequest;
  iface: 'rest' | 'graphql';
  action: string;
  actor: Actor | null;
  error: DomainError;
}

/** Writes the audit row of a refused attempt (401 or 403) in a transaction of its own. */
@Injectable()
export class DeniedAttemptAuditor {
  private readonly logger = new Logger(DeniedAttemptAuditor.name);
  private readonly recorded = new WeakSet<DomainError>();

  constructor(private readonly audit: AuditRepository) {}

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
      await this.audit.appendStandalone({
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

/**
 * Global guard for REST and GraphQL: a valid bearer token on everything not marked @Public(), and the role named
 * by @Roles(). Refusals are audited (outcome denied) before the 401/403 is thrown.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: TokenAuthService,
    private readonly denied: DeniedAttemptAuditor,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets)) return true;
    const req = apiRequestOf(context);
    const iface = interfaceOf(context);
    const action = () => this.reflector.get<string | undefined>(ACTION_KEY, context.getHandler()) ?? this.fallbackAction(context, req);

    if (!req.cutoverActor) {
      try {
        req.cutoverActor = await this.auth.authenticate(req.headers.authorization);
      } catch (error) {
        if (error instanceof DomainError) await this.denied.record({ req, iface, action: action(), actor: null, error });
        throw error;
      }
    }
    const required = this.reflector.getAllAndOverride<Role | undefined>(ROLE_KEY, targets);
    if (required && !roleAllows(req.cutoverActor.role, required)) {
      const error = new DomainError('FORBIDDEN', `This needs the ${required} role; token "${req.cutoverActor.name}" is ${req.cutoverActor.role}.`, [], { required });
      await this.denied.record({ req, iface, action: action(), actor: req.cutoverActor, error });
      throw error;
    }
    return true;
  }

  private fallbackAction(context: ExecutionContext, req: ApiRequest): string {
    if (context.getType<string>() === 'graphql') {
      const info = GqlExecutionContext.create(context).getInfo<{ parentType: { name: string }; fieldName: string }>();
      return `graphql ${info.parentType.name}.${info.fieldName}`;
    }
    return routeOf(req);
  }
}
