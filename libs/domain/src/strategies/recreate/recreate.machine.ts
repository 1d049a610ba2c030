// Recreate: scale the old version to zero, wait until its pods are gone, then bring the new version up.
// The window between the two (nothing serving) is measured and recorded as a Downtime event.
import type { Verdict } from '../../model/deployment/command.types';
import type { DeploymentContext, DeploymentState, RecreateRollout } from '../../model/deployment/deployment.types';
import type { WorkloadUpdateStrategy } from '../../model/deployment/effect.types';
import { baseSelector, names } from '../../model/deployment/topology.rules';
import type { DirectTopology, StrategyMachine } from '../shared/machine.types';
import { deadlinePassed } from '../shared/restore.machine';
import { effect, emit, setPhase, type Tick } from '../shared/tick.machine';
import { ensureNewWorkload, isSettled, retireBaseline, scaleWorkload } from '../shared/workloads.machine';
import { sharedWorkloadSides } from '../shared/shared-workload.view';
import { recreatePlan } from './recreate.plan';
import { recreateStepOf, recreateTrafficWeight } from './recreate.view';

function updateStrategy(ctx: DeploymentContext): WorkloadUpdateStrategy {
  return { type: 'Recreate', progressDeadlineSeconds: ctx.strategy.progressDeadlineSeconds };
}

function rollout(t: Tick): RecreateRollout | null {
  return t.state.rollout?.kind === 'recreate' ? t.state.rollout : null;
}

function bringUp(t: Tick, r: RecreateRollout): void {
  const { ctx } = t.state;
  r.stage = 'up';
  r.since = t.now;
  ensureNewWorkload(t, names.primary(ctx.app), 'primary', ctx.replicas, updateStrategy(ctx));
  effect(t, { kind: 'ensureService', name: names.primary(ctx.app), selector: baseSelector(ctx) });
}

export const recreateMachine: StrategyMachine = {
  type: 'Recreate',
  plan: (_doc, replicas) => recreatePlan(replicas),
  stepOf: recreateStepOf,
  sides: sharedWorkloadSides,
  sharedWorkload: true,
  trafficWeight: recreateTrafficWeight,
  observedTraffic: (_state, _obs, byPods) => byPods,

  comparable: (state: DeploymentState) => (state.baseline?.workloads ?? []).some((w) => w.name === names.primary(state.ctx.app)),

  preflight: () => null,

  direct: (ctx): DirectTopology => ({
    workloads: [{ name: names.primary(ctx.app), role: 'primary', updateStrategy: updateStrategy(ctx) }],
    services: [{ kind: 'ensureService', name: names.primary(ctx.app), selector: baseSelector(ctx) }],
    traffic: [],
  }),

  start(t) {
    const r: RecreateRollout = { kind: 'recreate', stage: 'scaleDown', since: t.now, downtimeStartedAt: t.now };
    t.state.rollout = r;
    emit(t, 'StepStarted', `Scaling ${t.state.ctx.previousRelease ?? 'the old version'} to zero before starting ${t.state.ctx.release}`, { step: 'scaleDown' });
    for (const w of t.state.baseline?.workloads ?? []) {
      scaleWorkload(t, w.name, 0, 'Recreate stops the old version first');
      // Changed by this deployment: a rollback from here must wait for it to serve again.
      if (!t.state.touched.includes(w.name)) t.state.touched.push(w.name);
    }
  },

  advance(t) {
    const r = rollout(t);
    if (!r) return;
    const { ctx } = t.state;
    if (r.stage === 'scaleDown') {
      // Terminating pods count too: they may still answer requests (and a redeploy of the same release has no other tell).
      const oldPods = t.obs.pods.filter((p) => p.role !== 'hook' && (p.release !== ctx.release || p.terminating));
      const oldWorkloadsDown = (t.state.baseline?.workloads ?? []).every((w) => isSettled(t.obs.workloads[w.name], w.release, 0));
      if (oldPods.length > 0 || !oldWorkloadsDown) {
        deadlinePassed(t, r.since, `scale-down of ${ctx.previousRelease ?? 'the old version'} (${oldPods.length} pod(s) left)`);
        return;
      }
      emit(t, 'StepCompleted', 'Old pods are gone', { step: 'scaleDown' });
      bringUp(t, r);
    }
    if (r.stage === 'up') {
      if (!isSettled(t.obs.workloads[names.primary(ctx.app)], ctx.release, ctx.replicas)) {
        deadlinePassed(t, r.since, names.primary(ctx.app));
        return;
      }
      const seconds = (t.now - r.downtimeStartedAt) / 1000;
      emit(t, 'Downtime', `No version served for ${seconds.toFixed(1)}s`, { startedAt: r.downtimeStartedAt, endedAt: t.now, seconds });
      retireBaseline(t, [names.primary(ctx.app)]);
      r.stage = 'done';
      setPhase(t, 'Succeeded', null, `${ctx.release} serves with ${ctx.replicas} replica(s)`);
    }
  },

  canPromote: (): Verdict => ({ ok: false, reason: 'a Recreate deployment has no steps to promote' }),
  promote: () => undefined,
  retryCheck: () => undefined,
  onUserPause: () => undefined,
};
