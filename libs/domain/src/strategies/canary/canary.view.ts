// How a Canary deployment reads from outside: its step, stable and canary, and the weight on the canary.
import type { DeploymentState, RolloutState } from '../../model/deployment/deployment.types';
import type { Observation } from '../../model/deployment/observation.types';
import type { PlanStep } from '../../model/deployment/plan.types';
import { names } from '../../model/deployment/topology.rules';
import type { SideSpec } from '../shared/machine.types';

export function canaryStepOf(rollout: RolloutState): string | null {
  if (rollout.kind !== 'canary') return null;
  return rollout.stage === 'steps' ? `step-${rollout.stepIndex + 1}` : 'finish';
}

export function canarySides(state: DeploymentState): SideSpec[] {
  const { ctx, rollout } = state;
  return [
    { side: 'stable', workload: names.stable(ctx.app), release: rollout?.kind === 'canary' && rollout.stage !== 'steps' ? ctx.release : ctx.previousRelease },
    { side: 'canary', workload: names.canary(ctx.app), release: ctx.release },
  ];
}

/** The weight set by the last step (by replicas routing: the plan step's pod ratio); all of it once finishing. */
export function canaryTrafficWeight(state: DeploymentState, step: Pick<PlanStep, 'newTrafficPercent'> | null): number | null {
  const r = state.rollout;
  if (r?.kind !== 'canary') return null;
  if (r.stage !== 'steps') return 100;
  const s = state.ctx.strategy;
  return s.type === 'Canary' && s.trafficRouting.type === 'replicas' && step !== null ? step.newTrafficPercent : r.weight;
}

/** Routed canaries report the route's weight (all of it once stable runs the new release); by replicas, the pods. */
export function canaryObservedTraffic(state: DeploymentState, obs: Observation, byPods: number): number {
  const { ctx } = state;
  const s = ctx.strategy;
  if (s.type === 'Canary' && s.trafficRouting.type !== 'replicas' && obs.traffic) {
    const stableIsNew = obs.workloads[names.stable(ctx.app)]?.release === ctx.release;
    return stableIsNew ? 100 : obs.traffic.canaryWeight;
  }
  return byPods;
}
