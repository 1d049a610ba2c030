// What the detail answer shows about a deployment's progress, computed from its stored machine state and the
// status view `decide` keeps in it (`state.status`: what the worker last observed of the cluster). Pure: unit-tested
// without a server.
import {
  names,
  plan,
  type DeploymentPlan,
  type DeploymentState,
  type DeploymentStatus,
  type RolloutState,
  type StrategyDocument,
} from '@cutover/domain';
import type { DeploymentSideModel, PodsModel, ServiceSelectorModel } from './models/deployment-detail.model';

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

export function sidesOf(state: DeploymentState, thePlan: DeploymentPlan, step: number | null, status: DeploymentStatus | null): DeploymentSideModel[] {
  const planned = step === null ? null : thePlan.steps[step]?.replicas;
  // A shared workload (Recreate/RollingUpdate) counts only for the side whose release its template carries.
  const shared = state.ctx.strategy.type === 'Recreate' || state.ctx.strategy.type === 'RollingUpdate';
  return sideSpecs(state).map(({ side, workload, release }) => {
    const observed = workload ? status?.sides.find((s) => s.workload === workload && (!shared || s.release === release)) : undefined;
    return {
      side,
      workload,
      release,
      desired: planned?.[side] ?? null,
      updated: observed ? observed.updated : null,
      ready: observed ? observed.ready : null,
      available: observed ? observed.available : null,
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

export function servicesOf(state: DeploymentState, status: DeploymentStatus | null): ServiceSelectorModel[] {
  if (status) return Object.entries(status.services).map(([name, selector]) => ({ name, selector, source: 'observed' }));
  return (state.baseline?.services ?? []).map((s) => ({ name: s.name, selector: s.selector, source: 'baseline' }));
}

/** Pods of the app (hook Job pods are left out by statusView), with init-container progress in words. */
export function podsOf(status: DeploymentStatus | null): PodsModel {
  const pods = status?.pods ?? [];
  return {
    total: pods.length,
    ready: pods.filter((p) => p.ready).length,
    items: pods.map((p) => ({ name: p.name, workload: p.workload, release: p.release, phase: p.phase, ready: p.ready, progress: p.progress })),
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
  const status = state.status ?? null;
  const currentStep = currentStepOf(state.ctx.strategy, state.rollout, thePlan.steps.length);
  return {
    plan: thePlan,
    currentStep,
    sides: sidesOf(state, thePlan, currentStep, status),
    trafficWeight: trafficWeightOf(state, thePlan, currentStep),
    services: servicesOf(state, status),
    pods: podsOf(status),
  };
}
