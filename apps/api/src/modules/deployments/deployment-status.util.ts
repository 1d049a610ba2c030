// What the detail answer shows about a deployment's progress, computed from its stored machine state (and the last
// observation the worker stored beside it, when there is one). Pure: unit-tested without a server.
import {
  describePodProgress,
  names,
  plan,
  type DeploymentPlan,
  type DeploymentState,
  type Observation,
  type RolloutState,
  type StrategyDocument,
} from '@cutover/domain';
import type { DeploymentSideModel, PodsModel, ServiceSelectorModel } from './models/deployment-detail.model';

/**
 * The worker may keep its last observation in the state JSON under this key (it is not part of the machine's
 * state: `decide` never reads it). Until it does, per-side status shows desired replicas only.
 */
export const OBSERVATION_KEY = 'lastObservation';

export function observationOf(state: DeploymentState): Observation | null {
  const value = (state as unknown as Record<string, unknown>)[OBSERVATION_KEY];
  return typeof value === 'object' && value !== null && 'workloads' in value ? (value as Observation) : null;
}

/** Which plan step the rollout is on; null before it starts, and when the release goes straight to serving. */
export function currentStepOf(doc: StrategyDocument, rollout: RolloutState | null, stepCount: number): number | null {
  if (rollout === null) return null;
  const last = stepCount - 1;
  switch (rollout.kind) {
    case 'direct':
      return null;
    case 'recreate':
      return rollout.stage === 'scaleDown' ? 0 : last;
    case 'rolling':
      return 0;
    case 'canary':
      return rollout.stage === 'steps' ? Math.min(rollout.stepIndex, last) : last;
    case 'blueGreen': {
      if (doc.type !== 'BlueGreen') return null;
      // The plan lists these stages in this order, the checks only when the document has some.
      const stages: string[] = ['bringUp'];
      if (doc.prePromotionChecks.length > 0) stages.push('prePromotion');
      stages.push('awaitPromotion', 'scaleUp');
      if (doc.postPromotionChecks.length > 0) stages.push('postPromotion');
      stages.push('scaleDownDelay');
      const index = stages.indexOf(rollout.stage);
      return index === -1 ? last : index;
    }
  }
}

interface SideSpec {
  side: string;
  workload: string | null;
  release: string | null;
}

function sideSpecs(state: DeploymentState): SideSpec[] {
  const { ctx, rollout } = state;
  const previous = ctx.previousRelease;
  switch (ctx.strategy.type) {
    case 'Canary':
      return [
        { side: 'stable', workload: names.stable(ctx.app), release: rollout?.kind === 'canary' && rollout.stage !== 'steps' ? ctx.release : previous },
        { side: 'canary', workload: names.canary(ctx.app), release: ctx.release },
      ];
    case 'BlueGreen': {
      const colours = rollout?.kind === 'blueGreen' ? rollout : null;
      return [
        { side: 'previous', workload: colours ? names.colour(ctx.app, colours.oldColour) : null, release: previous },
        { side: 'new', workload: colours ? names.colour(ctx.app, colours.colour) : null, release: ctx.release },
      ];
    }
    case 'Recreate':
    case 'RollingUpdate':
      // One Deployment whose pod template moves from the previous release to the new one.
      return [
        { side: 'previous', workload: names.primary(ctx.app), release: previous },
        { side: 'new', workload: names.primary(ctx.app), release: ctx.release },
      ];
  }
}

export function sidesOf(state: DeploymentState, thePlan: DeploymentPlan, step: number | null, obs: Observation | null): DeploymentSideModel[] {
  const planned = step === null ? null : thePlan.steps[step]?.replicas;
  return sideSpecs(state).map(({ side, workload, release }) => {
    const seen = workload ? obs?.workloads[workload] : undefined;
    // A shared workload (Recreate/RollingUpdate) counts only the pods of its side's release.
    const shared = state.ctx.strategy.type === 'Recreate' || state.ctx.strategy.type === 'RollingUpdate';
    const observed = seen && (!shared || seen.release === release) ? seen : undefined;
    return {
      side,
      workload,
      release,
      desired: planned?.[side] ?? null,
      updated: observed ? observed.updatedReplicas : null,
      ready: observed ? observed.readyReplicas : null,
      available: observed ? observed.availableReplicas : null,
    };
  });
}

/** % of traffic on the new release now. */
export function trafficWeightOf(state: DeploymentState, thePlan: DeploymentPlan, step: number | null): number | null {
  const r = state.rollout;
  if (r === null) return state.phase === 'Succeeded' ? 100 : null;
  switch (r.kind) {
    case 'canary':
      if (r.stage !== 'steps') return 100;
      return state.ctx.strategy.type === 'Canary' && state.ctx.strategy.trafficRouting.type === 'replicas' && step !== null
        ? (thePlan.steps[step]?.newTrafficPercent ?? r.weight)
        : r.weight;
    case 'blueGreen':
      return ['bringUp', 'prePromotion', 'awaitPromotion', 'scaleUp'].includes(r.stage) ? 0 : 100;
    case 'direct':
    case 'recreate':
    case 'rolling':
      return r.stage === 'done' ? 100 : step === null ? null : (thePlan.steps[step]?.newTrafficPercent ?? null);
  }
}

export function servicesOf(state: DeploymentState, obs: Observation | null): ServiceSelectorModel[] {
  if (obs) return Object.values(obs.services).map((s) => ({ name: s.name, selector: s.selector, source: 'observed' }));
  return (state.baseline?.services ?? []).map((s) => ({ name: s.name, selector: s.selector, source: 'baseline' }));
}

export function podsOf(obs: Observation | null): PodsModel {
  const pods = (obs?.pods ?? []).filter((p) => p.role !== 'hook');
  return {
    total: pods.length,
    ready: pods.filter((p) => p.ready).length,
    items: pods.map((p) => ({ name: p.name, workload: p.workload, release: p.release, phase: p.phase, ready: p.ready, progress: describePodProgress(p) })),
  };
}

export interface DeploymentProgress {
  plan: DeploymentPlan;
  currentStep: number | null;
  sides: DeploymentSideModel[];
  trafficWeight: number | null;
  services: ServiceSelectorModel[];
  pods: PodsModel;
}

/** Rows written outside the api (fixtures, older versions) may carry no machine state yet. */
export function hasMachineState(state: unknown): state is DeploymentState {
  return typeof state === 'object' && state !== null && 'ctx' in state && typeof (state as { ctx: unknown }).ctx === 'object' && (state as { ctx: unknown }).ctx !== null;
}

export function progressOf(state: DeploymentState): DeploymentProgress {
  if (!hasMachineState(state)) {
    return { plan: { strategy: 'unknown', replicas: 0, steps: [], peakPods: 0, extraPods: 0, minimumDurationSeconds: 0 } as unknown as DeploymentPlan, currentStep: null, sides: [], trafficWeight: null, services: [], pods: { total: 0, ready: 0, items: [] } };
  }
  const thePlan = plan(state.ctx.strategy, state.ctx.replicas);
  const obs = observationOf(state);
  const currentStep = currentStepOf(state.ctx.strategy, state.rollout, thePlan.steps.length);
  return {
    plan: thePlan,
    currentStep,
    sides: sidesOf(state, thePlan, currentStep, obs),
    trafficWeight: trafficWeightOf(state, thePlan, currentStep),
    services: servicesOf(state, obs),
    pods: podsOf(obs),
  };
}
