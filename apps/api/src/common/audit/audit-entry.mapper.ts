import type { RequestContext } from '@cutover/domain';
import { type AuditInput, type AuditOutcome, digestInput, type ResourceNames } from '@cutover/persistence';

export interface AuditedAction {
  /** `<resource>.<verb>`: `token.create`, `cluster.register`, `release.create`. */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  /** The resource's names, when they cannot be looked up from resourceId (it was deleted, or never created). */
  names?: ResourceNames;
  /** The request input; only its digest is stored, computed with secrets removed. */
  input?: unknown;
  outcome?: AuditOutcome;
  statusCode?: number;
  reason?: string;
}

/**
 * The audit row for what `ctx`'s caller did. Services pass it to `AuditRepository.append(tx, ...)` inside the
 * transaction that makes the change, so the entry and the change commit or roll back together.
 */
export function auditEntry(ctx: RequestContext, what: AuditedAction): AuditInput {
  return {
    actorTokenId: ctx.actor.tokenId,
    actorName: ctx.actor.name,
    action: what.action,
    resourceType: what.resourceType,
    resourceId: what.resourceId ?? null,
    ...(what.names ? { names: what.names } : {}),
    requestId: ctx.requestId,
    interface: ctx.interface,
    clientAddress: ctx.clientAddress,
    inputDigest: what.input === undefined ? null : digestInput(what.input),
    outcome: what.outcome ?? 'success',
    statusCode: what.statusCode ?? null,
    reason: what.reason ?? null,
  };
}
