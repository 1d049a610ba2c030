// How a BlueGreen deployment reads from outside: its step, its two colours, and which one the active Service selects.
import type { DeploymentState, RolloutState } from '../../model/deployment/deployment.types';
import type { Observation } from '../../model/deployment/observation.types';
import { LABELS, names } from '../../model/deployment/topology.rules';
import type { SideSpec } from '../shared/machine.types';

export function blueGreenStepOf(rollout: RolloutState): string | null {
  if (rollout.kind !== 'blueGreen') return null;
  if (rollout.stage === 'scaleUp') return 'switch';
  return rollout.stage === 'done' ? 'scaleDownDelay' : rollout.stage;
}

export function blueGreenSides(state: DeploymentState): SideSpec[] {
  const { ctx, rollout } = state;
  const colours = rollout?.kind === 'blueGreen' ? rollout : null;
  return [
    { side: 'previous', workload: colours ? names.colour(ctx.app, colours.oldColour) : null, release: ctx.previousRelease },
    { side: 'new', workload: colours ? names.colour(ctx.app, colours.colour) : null, release: ctx.release },
  ];
}

/** None until the active Service switches, all of it after. */
export function blueGreenTrafficWeight(state: DeploymentState): number | null {
  const r = state.rollout;
  if (r?.kind !== 'blueGreen') return null;
  return ['bringUp', 'prePromotion', 'awaitPromotion', 'scaleUp'].includes(r.stage) ? 0 : 100;
}

/** Traffic follows the active Service: all of it when it selects the colour running the new release. */
export function blueGreenObservedTraffic(state: DeploymentState, obs: Observation, byPods: number): number {
  const { ctx } = state;
  const role = obs.services[names.primary(ctx.app)]?.selector[LABELS.role];
  const selected = role ? obs.workloads[`${ctx.app}-${role}`] : undefined;
  return selected?.release === ctx.release ? 100 : role ? 0 : byPods;
}
