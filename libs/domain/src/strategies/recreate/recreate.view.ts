// How a Recreate deployment reads from outside: its step, its sides (one shared Deployment) and its traffic.
import type { DeploymentState, RolloutState } from '../../model/deployment/deployment.types';
import type { PlanStep } from '../../model/deployment/plan.types';
import { sharedWorkloadTraffic } from '../shared/shared-workload.view';

export function recreateStepOf(rollout: RolloutState): string | null {
  if (rollout.kind !== 'recreate') return null;
  return rollout.stage === 'scaleDown' ? 'scaleDown' : 'up';
}

export function recreateTrafficWeight(state: DeploymentState, step: Pick<PlanStep, 'newTrafficPercent'> | null): number | null {
  return state.rollout?.kind === 'recreate' ? sharedWorkloadTraffic(state.rollout.stage, step) : null;
}
