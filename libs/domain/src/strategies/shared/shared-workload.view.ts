// Recreate and RollingUpdate move one Deployment `<app>` from the previous release to the new one: the same two sides
// and the same traffic rule for both.
import type { DeploymentState } from '../../model/deployment/deployment.types';
import type { PlanStep } from '../../model/deployment/plan.types';
import { names } from '../../model/deployment/topology.rules';
import type { SideSpec } from './machine.types';

/** One Deployment whose pod template moves from the previous release to the new one (Recreate and RollingUpdate). */
export function sharedWorkloadSides(state: DeploymentState): SideSpec[] {
  const { ctx } = state;
  return [
    { side: 'previous', workload: names.primary(ctx.app), release: ctx.previousRelease },
    { side: 'new', workload: names.primary(ctx.app), release: ctx.release },
  ];
}

/** Recreate and RollingUpdate: all of it once done, else what the current plan step puts on the new release. */
export function sharedWorkloadTraffic(stage: string, step: Pick<PlanStep, 'newTrafficPercent'> | null): number | null {
  return stage === 'done' ? 100 : step === null ? null : step.newTrafficPercent;
}
