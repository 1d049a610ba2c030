// The walkthrough of docs/adr/0012-how-to-add-a-strategy.md, followed for a toy strategy that is never shipped:
// "AllAtOnce" replaces every pod of `<app>` in one step. It lives in this spec only (a real strategy gets a folder
// strategies/<name>/ with <name>.machine.ts, <name>.plan.ts, <name>.view.ts and <name>.machine.spec.ts, its types
// in model/, and one line in strategy.registry.ts); it is registered through the registry's seam, createRegistry.
import { describe, expect, it } from 'vitest';
import { canApply } from '../src/engine/command.rules';
import { deploymentProgress } from '../src/engine/deployment-progress.view';
import { plan } from '../src/engine/deployment.plan';
import { currentStepId } from '../src/engine/deployment-status.view';
import type { DeploymentState, RolloutState } from '../src/model/deployment/deployment.types';
import type { StrategyPlan } from '../src/model/deployment/plan.types';
import { baseSelector, names } from '../src/model/deployment/topology.rules';
import type { StrategyDocument, StrategyType } from '../src/model/strategy-document/strategy-document.types';
import type { DirectTopology, StrategyMachine } from '../src/strategies/shared/machine.types';
import { deadlinePassed } from '../src/strategies/shared/restore.machine';
import { sharedWorkloadSides } from '../src/strategies/shared/shared-workload.view';
import { effect, emit, setPhase, type Tick } from '../src/strategies/shared/tick.machine';
import { ensureNewWorkload, isSettled, retireBaseline, rollingDefaults } from '../src/strategies/shared/workloads.machine';
import { createRegistry, strategies } from '../src/strategies/strategy.registry';
import { command, context, drive, phases } from './drive.testing';
import { FakeCluster } from './fake-cluster.testing';

// Step 1 (model/): a real strategy adds its type to StrategyType, its document to strategy-document.types.ts (parsed
// in strategy-document.rules.ts) and its rollout to RolloutState. The toy casts instead.
const ALL_AT_ONCE = 'AllAtOnce' as StrategyType;
interface AllAtOnceRollout {
  kind: 'allAtOnce';
  stage: 'up' | 'done';
  since: number;
}
const rolloutOf = (state: DeploymentState): AllAtOnceRollout | null => {
  const r = state.rollout as unknown as AllAtOnceRollout | null;
  return r?.kind === 'allAtOnce' ? r : null;
};

// Step 2 (strategies/<name>/<name>.plan.ts): the steps, for N replicas; ids are stable, the engine numbers them.
function allAtOncePlan(replicas: number): StrategyPlan {
  return {
    steps: [{ id: 'up', title: 'Replace every pod at once', replicas: { previous: 0, new: replicas }, newTrafficPercent: 100, peakPods: replicas * 2, wait: { type: 'ready' } }],
    minimumDurationSeconds: 0,
  };
}

// Step 3 (strategies/<name>/<name>.machine.ts): the StrategyMachine. `decide` keeps what is common to every strategy
// (commands, hooks, failure detection, rollback, abort, first deployments); the machine moves the new release in.
const allAtOnceMachine: StrategyMachine = {
  type: ALL_AT_ONCE,
  plan: (_doc, replicas) => allAtOncePlan(replicas),
  // Step 2's view (strategies/<name>/<name>.view.ts): the step, the sides and the traffic as the api shows them.
  stepOf: (rollout: RolloutState) => ((rollout as unknown as AllAtOnceRollout).kind === 'allAtOnce' ? 'up' : null),
  sides: sharedWorkloadSides,
  sharedWorkload: true,
  trafficWeight: (state) => (rolloutOf(state)?.stage === 'done' ? 100 : 0),
  observedTraffic: (_state, _obs, byPods) => byPods,

  comparable: (state) => (state.baseline?.workloads ?? []).some((w) => w.name === names.primary(state.ctx.app)),
  preflight: () => null,
  direct: (ctx): DirectTopology => ({
    workloads: [{ name: names.primary(ctx.app), role: 'primary', updateStrategy: rollingDefaults(ctx.strategy.progressDeadlineSeconds) }],
    services: [{ kind: 'ensureService', name: names.primary(ctx.app), selector: baseSelector(ctx) }],
    traffic: [],
  }),
  start(t: Tick) {
    const { ctx } = t.state;
    const r: AllAtOnceRollout = { kind: 'allAtOnce', stage: 'up', since: t.now };
    t.state.rollout = r as unknown as RolloutState;
    emit(t, 'StepStarted', `Replacing every pod of ${names.primary(ctx.app)} with ${ctx.release}`, { step: 'up' });
    ensureNewWorkload(t, names.primary(ctx.app), 'primary', ctx.replicas, rollingDefaults(ctx.strategy.progressDeadlineSeconds));
    effect(t, { kind: 'ensureService', name: names.primary(ctx.app), selector: baseSelector(ctx) });
  },
  advance(t: Tick) {
    const r = rolloutOf(t.state);
    if (!r || r.stage === 'done') return;
    const { ctx } = t.state;
    if (!isSettled(t.obs.workloads[names.primary(ctx.app)], ctx.release, ctx.replicas)) {
      deadlinePassed(t, r.since, names.primary(ctx.app));
      return;
    }
    emit(t, 'StepCompleted', 'Every pod runs the new release', { step: 'up' });
    retireBaseline(t, [names.primary(ctx.app)]);
    r.stage = 'done';
    setPhase(t, 'Succeeded', null, `${ctx.release} serves with ${ctx.replicas} replica(s)`);
  },
  canPromote: () => ({ ok: false, reason: 'an AllAtOnce deployment has no steps to promote' }),
  promote: () => undefined,
  retryCheck: () => undefined,
  onUserPause: () => undefined,
};

// Step 4 (strategy.registry.ts): one line in the product's registry. The toy goes through the seam instead.
const machines = createRegistry({ [ALL_AT_ONCE]: allAtOnceMachine });

// Step 5 (<name>.machine.spec.ts): drive it against the fake cluster, from what the previous release left.
const base = context({ type: 'Recreate' });
const ctx = { ...base, strategy: { ...base.strategy, type: ALL_AT_ONCE } as unknown as StrategyDocument };
const serving = () => new FakeCluster().seedWorkload(names.primary(ctx.app), 'primary', 'v1', ctx.replicas).seedService(names.primary(ctx.app), baseSelector(ctx));

describe('a toy strategy added by the walkthrough (docs/adr/0012-how-to-add-a-strategy.md)', () => {
  it('is not shipped: only a registry made with the seam knows it, beside the product strategies', () => {
    expect(strategies.machineFor(ALL_AT_ONCE)).toBeUndefined();
    expect(() => createRegistry().machineFor(ALL_AT_ONCE)).toThrow(/no strategy machine for AllAtOnce/);
    expect(machines.machineFor(ALL_AT_ONCE)).toBe(allAtOnceMachine);
    expect(machines.machineFor('Canary')).toBe(strategies.machineFor('Canary'));
  });

  it('runs through decide like any strategy: Pending → Progressing → Succeeded, the new release on every pod', () => {
    const cluster = serving();
    const result = drive(ctx, cluster, { machines });
    expect(phases(result)).toEqual(['Progressing', 'Succeeded']);
    expect(cluster.workloads.get(names.primary(ctx.app))).toMatchObject({ release: 'v2', spec: ctx.replicas });
    expect(result.decisions.flatMap((d) => d.events).map((e) => e.type)).toEqual(expect.arrayContaining(['Started', 'StepStarted', 'StepCompleted']));
  });

  it('gets the common rules for free: promote refused by its own verdict, abort restores what served before', () => {
    const cluster = serving();
    const started = drive(ctx, cluster, { machines, maxTicks: 1, pods: () => 0 });
    expect(started.state.phase).toBe('Progressing');
    expect(canApply(started.state, { type: 'promote' }, machines)).toEqual({ ok: false, reason: 'an AllAtOnce deployment has no steps to promote; the deployment is Progressing' });
    const aborted = drive(ctx, cluster, { machines, start: started.state, commands: (_s, i) => (i === 0 ? [command('abort')] : []) });
    expect(aborted.state.phase).toBe('Aborted');
    expect(cluster.workloads.get(names.primary(ctx.app))).toMatchObject({ release: 'v1', spec: ctx.replicas });
  });

  it('the engine shows it without knowing it: plan, current step, sides and traffic', () => {
    const done = drive(ctx, serving(), { machines }).state;
    expect(plan(ctx.strategy, 4, machines)).toMatchObject({ strategy: ALL_AT_ONCE, peakPods: 8, extraPods: 4, steps: [{ index: 0, id: 'up' }] });
    expect(currentStepId(done, machines)).toBe('up');
    const progress = deploymentProgress(done, machines);
    expect(progress).toMatchObject({ currentStep: 0, trafficWeight: 100 });
    expect(progress.sides.map((s) => s.side)).toEqual(['previous', 'new']);
  });
});
