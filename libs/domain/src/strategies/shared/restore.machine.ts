// Failing, aborting and rolling back: one set of rules for every strategy. Restoring means putting back exactly
// what served before (the baseline): its Services' selectors, its workloads' release and size, no canary traffic,
// and every other workload this deployment touched scaled to zero.
import type { DeploymentContext, DeploymentState, Failure } from '../../model/deployment/deployment.types';
import type { Effect } from '../../model/deployment/effect.types';
import { names } from '../../model/deployment/topology.rules';
import { effect, emit, setPhase, timerDue, wakeAt, type Tick } from './tick.machine';
import { isSettled, scaleWorkload } from './workloads.machine';

export function hasPrevious(state: DeploymentState): boolean {
  return (state.baseline?.workloads.length ?? 0) > 0;
}

/** Canary routes back to all-stable, no header rule (nothing for the other strategies). */
export function stableOnlyTraffic(ctx: DeploymentContext): Effect[] {
  const s = ctx.strategy;
  if (s.type !== 'Canary' || s.trafficRouting.type === 'replicas') return [];
  const r = s.trafficRouting;
  const routing = r.type === 'nginx' ? { type: r.type, host: r.host, ingressClassName: r.ingressClassName } : { type: r.type, parentRef: r.parentRef };
  return [{ kind: 'setCanaryWeight', routing, stableService: names.stable(ctx.app), canaryService: names.canary(ctx.app), weight: 0, header: null }];
}

function restoreEffects(t: Tick): void {
  const s = t.state;
  const baseline = s.baseline ?? { workloads: [], services: [] };
  // Traffic first: in a blue/green warm window the old colour is still up, so the flip is immediate.
  for (const svc of baseline.services) effect(t, { kind: 'ensureService', name: svc.name, selector: svc.selector });
  for (const e of stableOnlyTraffic(s.ctx)) effect(t, e);
  for (const w of baseline.workloads) {
    effect(t, { kind: 'ensureWorkload', name: w.name, role: w.role, release: w.release, replicas: w.replicas, paused: false, updateStrategy: null });
  }
  const kept = baseline.workloads.map((w) => w.name);
  for (const name of s.touched) if (!kept.includes(name)) scaleWorkload(t, name, 0, 'rolled back');
}

/**
 * A certain failure. Nothing changed yet (hooks, fit check) → Failed as is. A previous release → RollingBack to it.
 * No previous release → Failed with this release's workloads scaled to zero.
 */
export function failDeployment(t: Tick, failure: Failure): void {
  const s = t.state;
  s.failure = failure;
  emit(t, 'FailureDetected', failure.reason, { code: failure.code, ...failure.data });
  if (s.touched.length === 0) {
    setPhase(t, 'Failed', null, `${failure.reason}; nothing was changed`);
    return;
  }
  if (hasPrevious(s)) {
    emit(t, 'RollbackStarted', `Rolling back to ${s.ctx.previousRelease ?? 'the previous release'}`, { to: s.ctx.previousRelease, automatic: true });
    setPhase(t, 'RollingBack', null, failure.reason);
    beginRestore(t, 'RolledBack');
    return;
  }
  for (const name of s.touched) scaleWorkload(t, name, 0, 'no previous release to roll back to');
  setPhase(t, 'Failed', null, `${failure.reason}; no previous release, objects left scaled down`);
}

/** Abort (→ Aborted at once) or rollback (→ RollingBack until the baseline serves again). Superseding restores nothing. */
export function beginRestore(t: Tick, target: 'RolledBack' | 'Aborted'): void {
  const s = t.state;
  s.restoreTarget = target;
  s.restoreSince = t.now;
  restoreEffects(t);
  if (target !== 'RolledBack' || s.touched.length === 0) {
    setPhase(t, target);
    return;
  }
  setPhase(t, 'RollingBack');
  wakeAt(t, t.now + s.ctx.strategy.progressDeadlineSeconds * 1000);
}

/** RollingBack: done when the baseline serves at its size again and the rest is scaled to zero. */
export function advanceRestore(t: Tick): void {
  const s = t.state;
  const baseline = s.baseline ?? { workloads: [], services: [] };
  const kept = baseline.workloads.map((w) => w.name);
  // The observation of the tick that began the restore predates its effects.
  if (s.restoreSince !== null && t.now <= s.restoreSince) return;
  const back =
    baseline.workloads.every((w) => isSettled(t.obs.workloads[w.name], w.release, w.replicas)) &&
    s.touched.filter((n) => !kept.includes(n)).every((n) => (t.obs.workloads[n]?.specReplicas ?? 0) === 0);
  if (back) {
    setPhase(t, s.restoreTarget ?? 'RolledBack', null, `${s.ctx.previousRelease ?? 'the previous release'} serves again`);
    return;
  }
  if (timerDue(t, s.restoreSince ?? t.now, s.ctx.strategy.progressDeadlineSeconds)) {
    const reason = `rollback did not complete within ${s.ctx.strategy.progressDeadlineSeconds}s`;
    emit(t, 'FailureDetected', reason, { code: 'RollbackIncomplete' });
    s.failure = { code: 'RollbackIncomplete', reason: s.failure ? `${s.failure.reason}; ${reason}` : reason, at: t.now, data: {} };
    setPhase(t, 'Failed', null, reason);
  }
}

/** Waiting for something to become ready: past the progress deadline, fail (and roll back). Returns true if it failed. */
export function deadlinePassed(t: Tick, since: number, what: string): boolean {
  const seconds = t.state.ctx.strategy.progressDeadlineSeconds;
  if (!timerDue(t, since, seconds)) return false;
  failDeployment(t, { code: 'ProgressDeadlineExceeded', reason: `${what} not ready within ${seconds}s (progress deadline)`, at: t.now, data: { what } });
  return true;
}
