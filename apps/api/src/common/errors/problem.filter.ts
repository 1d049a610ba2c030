import { type ArgumentsHost, Catch, type ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from '@cutover/domain';
import { DeniedAttemptAuditor } from '../auth/auth.guard';
import { type ApiRequest, routeOf } from '../http/http-request.types';
import { RouteTable } from '../http/route-table.service';
import { type DescribedError, describeError, toProblem } from './problem.types';

interface LoggingRequest extends ApiRequest {
  log?: { error: (obj: object, msg: string) => void };
}

// Nest's not-found handler throws exactly this; a controller's own "not found" is a DomainError instead.
function isUnmatchedRoute(exception: unknown): boolean {
  return exception instanceof NotFoundException && /^Cannot [A-Z]+ /.test(exception.message);
}

/**
 * The one REST error renderer: everything thrown in the HTTP layer (handlers, guards, pipes, body parsers, the
 * router) becomes `application/problem+json`. GraphQL errors pass through untouched to the GraphQL formatter.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routes: RouteTable,
    private readonly denied: DeniedAttemptAuditor,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): undefined {
    // GraphQL errors travel on to Apollo, whose formatError (graphql-errors.ts) renders them.
    if (host.getType<string>() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<LoggingRequest>();
    const res = http.getResponse<unknown>();

    let described: DescribedError = describeError(exception);
    if (isUnmatchedRoute(exception)) described = this.unmatched(req);
    if (described.unexpected) {
      const fields = { err: exception, requestId: req.id, route: `${req.method} ${req.url.split('?')[0]}` };
      if (req.log) req.log.error(fields, 'unhandled error');
      else this.logger.error(fields, 'unhandled error');
    }
    if (this.denied.needsRecord(exception)) {
      // A refusal from a service (e.g. a deployer outside its scopes) is audited like the guard's own, before the answer.
      void this.denied
        .record({ req, iface: 'rest', action: routeOf(req), actor: req.cutoverActor ?? null, error: exception })
        .finally(() => this.send(req, res, described));
      return undefined;
    }
    this.send(req, res, described);
    return undefined;
  }

  private send(req: ApiRequest, res: unknown, described: DescribedError): void {
    const adapter = this.adapterHost.httpAdapter;
    if (isHeadersSent(res)) return;
    const allow = described.details['allow'];
    if (Array.isArray(allow)) adapter.setHeader(res, 'allow', allow.join(', '));
    const retryAfter = described.details['retryAfterSeconds'];
    if (typeof retryAfter === 'number') adapter.setHeader(res, 'retry-after', String(retryAfter));
    adapter.setHeader(res, 'content-type', 'application/problem+json; charset=utf-8');
    adapter.reply(res, JSON.stringify(toProblem(described, req.id ?? 'unknown')), described.status);
  }

  private unmatched(req: ApiRequest): DescribedError {
    const allowed = this.routes.allowedMethods(req.url);
    const path = req.url.split('?')[0];
    const error =
      allowed.length > 0
        ? new DomainError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; use ${allowed.join(', ')}.`, [], { allow: allowed })
        : new DomainError('NOT_FOUND', `No route ${req.method} ${path}.`);
    return describeError(error);
  }
}

function isHeadersSent(res: unknown): boolean {
  const r = res as { headersSent?: boolean; sent?: boolean; raw?: { headersSent?: boolean } };
  return Boolean(r.headersSent ?? r.raw?.headersSent ?? r.sent);
}
