// Whether a deployment waits on nothing but a person: held, with no timer of its own. Such a deployment changes only
// on a command (which the api enqueues at once) or a watch event (which wakes it), so the reconciler's safety net
// need not tick it every pass (docs/adr/0008-worker-crash-recovery.md, "2026-12-07").
import type { DeploymentState } from '../model/deployment/deployment.types';

/**
 * True when the committed state is held with no wake-up time: paused by a user, on an inconclusive result, at a
 * canary pause step without a duration, or at a blue/green promotion without auto-promotion. Conservative: any
 * other hold (an approval gate, an unreachable cluster, a timed pause) may have a timer and counts as not idle.
 */
export function heldWithoutTimer(state: DeploymentState): boolean {
  if (state.phase !== 'Paused') return false;
  switch (state.pauseReason) {
    case 'UserPaused':
    case 'Inconclusive':
      return true;
    case 'PauseStep': {
      const r = state.rollout;
      const strategy = state.ctx.strategy;
      if (r?.kind !== 'canary' || strategy.type !== 'Canary' || r.stage !== 'steps') return false;
      const step = strategy.steps[r.stepIndex];
      return step !== undefined && 'pause' in step && step.pause.duration === null;
    }
    case 'AwaitingPromotion': {
      const strategy = state.ctx.strategy;
      return state.rollout?.kind === 'blueGreen' && strategy.type === 'BlueGreen' && !strategy.autoPromotionEnabled;
    }
    case 'AwaitingApproval':
    case 'ClusterUnreachable':
    case null:
      return false;
  }
}
