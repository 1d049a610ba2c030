// A tick that could not reach the deployment's cluster (issue 15 §2). Engine-level, shared by every strategy: the
// strategy machines never see an unreachable cluster, because there is nothing to observe. Pure: time comes in as
// data, and so do the facts the worker knows (the error's kind, whether the deployment ever changed the cluster).
import { emit, setPhase, SYSTEM, type Tick } from '../strategies/shared/tick.machine';
import type { Command, CommandOutcome } from '../model/deployment/command.types';
import { isTerminal, type ClusterTrouble, type DeploymentState } from '../model/deployment/deployment.types';
import type { Decision } from '../model/deployment/effect.types';
import { emptyObservation } from '../model/deployment/observation.types';

/** How soon to try the cluster again while it cannot be reached. */
export const CLUSTER_RETRY_MS = 5_000;

export interface ClusterTroubleFacts {
  /** Some effect of this deployment was applied: the cluster holds something it changed. */
  touched: boolean;
  /** clusterUnreachableTimeout (ms): how long the trouble may last before the deployment fails or pauses. */
  timeoutMs: number;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/** An abort or rollback of a deployment that never changed the cluster has nothing to restore: it ends now. */
function endUntouched(t: Tick, c: Command, trouble: ClusterTrouble): CommandOutcome {
  t.actor = c.actor;
  const target = c.type === 'rollback' ? 'RolledBack' : c.type === 'abort' && c.supersededBy ? 'Superseded' : 'Aborted';
  emit(t, 'CommandApplied', `${c.type} by ${c.actor}${c.reason ? `: ${c.reason}` : ''}`, { commandId: c.id, command: c.type, reason: c.reason });
  setPhase(t, target, null, `nothing was changed in the cluster (${trouble.reason})`);
  t.actor = SYSTEM;
  return { id: c.id, status: 'applied', result: `${target.toLowerCase()}: nothing was changed in the cluster, which cannot be reached` };
}

/**
 * The decision for a tick whose cluster could not be reached:
 * - the error is recorded on the deployment (`clusterError`), with a `ClusterUnreachable` event when it starts or
 *   its kind changes;
 * - an abort or rollback of a deployment that never changed the cluster ends it at once; other commands wait;
 * - after `timeoutMs` of trouble: a deployment that changed nothing fails (`ClusterUnreachable`), one that did pauses
 *   (`Paused (ClusterUnreachable)`: resume once the cluster is back, or abort). A rollback in progress keeps trying.
 */
export function decideClusterTrouble(state: DeploymentState, trouble: ClusterTrouble, facts: ClusterTroubleFacts, commands: readonly Command[], now: number): Decision {
  const t: Tick = { now, obs: emptyObservation(), state: structuredClone(state), effects: [], events: [], wakeAt: null, actor: SYSTEM };
  const s = t.state;
  const outcomes: CommandOutcome[] = [];
  if (isTerminal(s.phase)) return { state: s, effects: [], events: [], commands: [], wakeAt: null };

  const previous = s.clusterError ?? null;
  const since = previous?.since ?? now;
  s.clusterError = { kind: trouble.kind, reason: trouble.reason, since };
  if (previous?.kind !== trouble.kind) {
    const then = facts.touched ? 'pauses' : 'fails';
    emit(t, 'ClusterUnreachable', `Cannot reach the cluster: ${trouble.reason}. The deployment ${then} if this lasts ${seconds(facts.timeoutMs)}.`, { kind: trouble.kind, since });
  }

  if (!facts.touched) {
    for (const c of commands) {
      if (s.consumedCommandIds.includes(c.id) || (c.type !== 'abort' && c.type !== 'rollback')) continue;
      outcomes.push(endUntouched(t, c, trouble));
      s.consumedCommandIds.push(c.id);
      break;
    }
  }

  if (!isTerminal(s.phase) && now - since >= facts.timeoutMs) {
    if (!facts.touched) {
      s.failure = { code: 'ClusterUnreachable', reason: trouble.reason, at: now, data: { kind: trouble.kind } };
      emit(t, 'FailureDetected', trouble.reason, { code: 'ClusterUnreachable', kind: trouble.kind });
      setPhase(t, 'Failed', null, `the cluster could not be reached for ${seconds(now - since)}; nothing was changed`);
    } else if (s.phase === 'Progressing' || (s.phase === 'Paused' && s.pauseReason !== 'ClusterUnreachable' && s.pauseReason !== 'UserPaused')) {
      setPhase(t, 'Paused', 'ClusterUnreachable', `the cluster could not be reached for ${seconds(now - since)}`);
    }
  }

  const wakeAt = isTerminal(s.phase) ? null : Math.min(now + CLUSTER_RETRY_MS, now - since >= facts.timeoutMs ? Number.POSITIVE_INFINITY : since + facts.timeoutMs);
  return { state: s, effects: [], events: t.events, commands: outcomes, wakeAt };
}

/** A tick that reached the cluster again: the trouble is over (a `ClusterReachable` event says so). */
export function clusterReachable(t: Tick): void {
  const was = t.state.clusterError;
  if (!was) return;
  t.state.clusterError = null;
  emit(t, 'ClusterReachable', `The cluster answers again (after ${seconds(t.now - was.since)} of ${was.kind})`, { kind: was.kind, since: was.since });
}
