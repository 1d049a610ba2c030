// How a RollingUpdate deployment reads from outside: one step, the shared Deployment's sides, its traffic.
import type { DeploymentState, RolloutState } from '../../model/deployment/deployment.types';
import type { PlanStep } from '../../model/deployment/plan.types';
import { sharedWorkloadTraffic } from '../shared/shared-workload.view';

export function rollingUpdateStepOf(rollout: RolloutState): string | null {
  return rollout.kind === 'rolling' ? 'rolling' : null;
}

export function rollingUpdateTrafficWeight(state: DeploymentState, step: Pick<PlanStep, 'newTrafficPercent'> | null): number | null {
  return state.rollout?.kind === 'rolling' ? sharedWorkloadTraffic(state.rollout.stage, step) : null;
}
