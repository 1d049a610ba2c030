// Which ticks write, and when (docs/adr/0015-status-commit-coalescing.md). A tick whose only change is the observed
// status (pods turning ready, counts moving) is worth a write at most once per interval per deployment; anything the
// machine decided (a step, a gate, a failure, a consumed command, an event, an effect) is written at once.
import { canonicalJson } from '../model/release/canonical-json.mapper';
import type { DeploymentState } from '../model/deployment/deployment.types';
import type { Decision } from '../model/deployment/effect.types';

/** What a decision changed over the state it was decided from. */
export type CommitKind = 'nothing' | 'status' | 'decision';

/** The default interval between two status-only commits of one deployment (STATUS_COMMIT_INTERVAL). */
export const DEFAULT_STATUS_COMMIT_INTERVAL_MS = 1_000;

function withoutStatus(state: DeploymentState): string {
  const { status: _status, ...rest } = state;
  return canonicalJson(rest);
}

/** The status minus when it was observed: the same world seen later is no change. */
function statusOf(state: DeploymentState): string {
  const status = state.status;
  return status ? canonicalJson({ ...status, observedAt: 0 }) : 'null';
}

/**
 * `decision` when the machine decided anything (effects, events, commands, or any part of the state beyond its
 * status), `status` when only the observed status moved, `nothing` when the tick saw the same world.
 */
export function commitKind(before: DeploymentState, decision: Decision): CommitKind {
  if (decision.effects.length > 0 || decision.events.length > 0 || decision.commands.length > 0) return 'decision';
  if (withoutStatus(before) !== withoutStatus(decision.state)) return 'decision';
  return statusOf(before) === statusOf(decision.state) ? 'nothing' : 'status';
}

/**
 * What to do with a tick's decision: write it, or not; a status-only change not written yet names when to look again
 * (`deferUntil`, else null).
 */
export interface CommitPlan {
  kind: CommitKind;
  write: boolean;
  deferUntil: number | null;
}

/**
 * A status-only change is written once the committed status is `intervalMs` old (its `observedAt`, the time of the
 * tick that committed it); before that it waits, and the tick asks to be woken at that moment, so the latest status
 * is committed by then even when no further watch event comes. An interval of 0 writes every change at once.
 */
export function planCommit(before: DeploymentState, decision: Decision, now: number, intervalMs: number): CommitPlan {
  const kind = commitKind(before, decision);
  if (kind === 'decision') return { kind, write: true, deferUntil: null };
  if (kind === 'nothing') return { kind, write: false, deferUntil: null };
  const due = (before.status?.observedAt ?? Number.NEGATIVE_INFINITY) + intervalMs;
  // A committed status stamped in the future (another worker's clock ahead of ours) must not hold writes back longer.
  if (now >= due || due - now > intervalMs) return { kind, write: true, deferUntil: null };
  return { kind, write: false, deferUntil: due };
}
