// Which active deployments a reconciler pass may leave alone (docs/adr/0008-worker-crash-recovery.md, 2026-12-07).
import type { ActiveDeployment } from '@cutover/persistence';

/**
 * True when the deployment is idle by its own decision and was looked at recently: held with no timer, no pending
 * command (a lost command wake is caught here), no unfinished effect, and its last commit, or the last wake this
 * reconciler gave it, is younger than `recheckMs`. Such a deployment only moves on a command (the api enqueues it)
 * or a watch event (which wakes it); the recheck still bounds how long a lost wake can go unnoticed.
 */
export function idleByOwnDecision(
  d: Pick<ActiveDeployment, 'heldWithoutTimer' | 'pendingCommands' | 'unfinishedEffects' | 'updatedAt'>,
  lastWokenAt: number | undefined,
  now: number,
  recheckMs: number,
): boolean {
  if (!d.heldWithoutTimer || d.pendingCommands > 0 || d.unfinishedEffects > 0) return false;
  const lastLook = Math.max(d.updatedAt.getTime(), lastWokenAt ?? Number.NEGATIVE_INFINITY);
  return now - lastLook < recheckMs;
}
