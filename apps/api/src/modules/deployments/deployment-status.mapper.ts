// Maps the domain's progress view of a deployment (plan, current step, sides, traffic, Services, pods) onto the
// detail answer's models. No strategy knowledge here: each strategy answers for itself in libs/domain.
import { deploymentProgress, type DeploymentPlan, type DeploymentState } from '@cutover/domain';
import type { DeploymentSideModel, PodsModel, ServiceSelectorModel } from './models/deployment-detail.model';

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

const EMPTY_PLAN: DeploymentPlan = { strategy: 'unknown' as DeploymentPlan['strategy'], replicas: 0, steps: [], peakPods: 0, extraPods: 0, minimumDurationSeconds: 0 };

export function progressOf(state: DeploymentState): DeploymentProgress {
  if (!hasMachineState(state)) {
    return { plan: EMPTY_PLAN, currentStep: null, sides: [], trafficWeight: null, services: [], pods: { total: 0, ready: 0, items: [] } };
  }
  const p = deploymentProgress(state);
  return {
    plan: p.plan,
    currentStep: p.currentStep,
    sides: p.sides.map((s) => ({ ...s })),
    trafficWeight: p.trafficWeight,
    services: p.services.map((s) => ({ ...s })),
    pods: { total: p.pods.total, ready: p.pods.ready, items: p.pods.items.map((i) => ({ ...i })) },
  };
}
