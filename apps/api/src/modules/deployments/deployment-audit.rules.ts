import { DomainError, type RequestContext } from '@cutover/domain';
import type { AuditInput, AuditRepository, Tx } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { assertInScope } from '../../common/auth/roles.rules';

/** The audit row of a refused deployment action (wrong phase, stale ETag, out of scope, another one active). */
export function refusedEntry(ctx: RequestContext, action: string, resourceId: string | null, error: DomainError, input?: unknown): AuditInput {
  return auditEntry(ctx, { action, resourceType: 'deployment', resourceId, input, outcome: 'denied', statusCode: error.status, reason: error.message });
}

/** A deployer's scope (apps, environments); a refusal is audited in a transaction of its own before the 403. */
export async function assertScopeAudited(
  audit: AuditRepository,
  ctx: RequestContext,
  action: string,
  target: { app: string; environment: string },
  resourceId: string | null,
): Promise<void> {
  try {
    assertInScope(ctx.actor, target);
  } catch (error) {
    if (error instanceof DomainError) await audit.appendStandalone(refusedEntry(ctx, action, resourceId, error, target));
    throw error;
  }
}

/** A refusal decided inside a transaction: audited in it (it then commits, the refusal being all it writes). */
export async function refuseAudited(
  audit: AuditRepository,
  tx: Tx,
  ctx: RequestContext,
  action: string,
  resourceId: string,
  error: DomainError,
  input: unknown,
): Promise<{ ok: false; error: DomainError }> {
  await audit.append(tx, refusedEntry(ctx, action, resourceId, error, input));
  return { ok: false, error };
}
