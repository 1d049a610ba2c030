// RollingUpdate: one Deployment `<app>`; Kubernetes' own controller replaces the pods within maxSurge /
// maxUnavailable. Cutover sets the parameters, follows progress, and pauses/resumes through spec.paused.
import type { Verdict } from '../../model/deployment/command.types';
import type { DeploymentContext, DeploymentState, RollingRollout } from '../../model/deployment/deployment.types';
import type { WorkloadUpdateStrategy } from '../../model/deployment/effect.types';
import { baseSelector, names } from '../../model/deployment/topology.rules';
import type { DirectTopology, StrategyMachine } from '../shared/machine.types';
import { deadlinePassed } from '../shared/restore.machine';
import { effect, emit, setPhase, type Tick } from '../shared/tick.machine';
import { ensureNewWorkload, isSettled, retireBaseline } from '../shared/workloads.machine';
import { documentOf } from '../../model/strategy-document/strategy-document.rules';
import { sharedWorkloadSides } from '../shared/shared-workload.view';
import { rollingUpdatePlan } from './rolling-update.plan';
import { rollingUpdateStepOf, rollingUpdateTrafficWeight } from './rolling-update.view';

export function rollingParams(ctx: DeploymentContext): WorkloadUpdateStrategy {
  const s = ctx.strategy;
  if (s.type !== 'RollingUpdate') return { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%', minReadySeconds: 0, progressDeadlineSeconds: s.progressDeadlineSeconds };
  return { type: 'RollingUpdate', maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable, minReadySeconds: s.minReadySeconds, progressDeadlineSeconds: s.progressDeadlineSeconds };
}

function rollout(t: Tick): RollingRollout | null {
  return t.state.rollout?.kind === 'rolling' ? t.state.rollout : null;
}

export const rollingUpdateMachine: StrategyMachine = {
  type: 'RollingUpdate',
  plan: (d, replicas) => rollingUpdatePlan(documentOf(d, 'RollingUpdate'), replicas),
  stepOf: rollingUpdateStepOf,
  sides: sharedWorkloadSides,
  sharedWorkload: true,
  trafficWeight: rollingUpdateTrafficWeight,
  observedTraffic: (_state, _obs, byPods) => byPods,

  comparable: (state: DeploymentState) => (state.baseline?.workloads ?? []).some((w) => w.name === names.primary(state.ctx.app)),

  preflight: () => null,

  direct: (ctx): DirectTopology => ({
    workloads: [{ name: names.primary(ctx.app), role: 'primary', updateStrategy: rollingParams(ctx) }],
    services: [{ kind: 'ensureService', name: names.primary(ctx.app), selector: baseSelector(ctx) }],
    traffic: [],
  }),

  start(t) {
    const { ctx } = t.state;
    t.state.rollout = { kind: 'rolling', stage: 'rolling', since: t.now };
    emit(t, 'StepStarted', `Rolling ${names.primary(ctx.app)} to ${ctx.release}`, { step: 'rolling' });
    ensureNewWorkload(t, names.primary(ctx.app), 'primary', ctx.replicas, rollingParams(ctx));
    effect(t, { kind: 'ensureService', name: names.primary(ctx.app), selector: baseSelector(ctx) });
  },

  advance(t) {
    const r = rollout(t);
    if (!r || r.stage !== 'rolling') return;
    const { ctx } = t.state;
    const name = names.primary(ctx.app);
    if (!isSettled(t.obs.workloads[name], ctx.release, ctx.replicas)) {
      // Kubernetes reports ProgressDeadlineExceeded itself (see failure detection); this is the backstop.
      deadlinePassed(t, r.since, name);
      return;
    }
    retireBaseline(t, [name]);
    r.stage = 'done';
    setPhase(t, 'Succeeded', null, `${ctx.release} serves with ${ctx.replicas} replica(s)`);
  },

  canPromote: (): Verdict => ({ ok: false, reason: 'a RollingUpdate deployment has no steps to promote' }),
  promote: () => undefined,
  retryCheck: () => undefined,

  onUserPause(t, paused) {
    const r = rollout(t);
    if (!r || r.stage !== 'rolling') return;
    const { ctx } = t.state;
    ensureNewWorkload(t, names.primary(ctx.app), 'primary', ctx.replicas, rollingParams(ctx), paused);
    // A paused Deployment does not count toward its deadline in Kubernetes either.
    if (!paused) r.since = t.now;
  },
};
