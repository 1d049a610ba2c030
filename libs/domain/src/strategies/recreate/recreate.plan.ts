// Recreate's plan: scale the previous release to zero, then bring the new one up (the Deployment `<app>` is shared).
import type { StrategyPlan } from '../../model/deployment/plan.types';

export function recreatePlan(replicas: number): StrategyPlan {
  const N = replicas;
  return {
    steps: [
      { id: 'scaleDown', title: 'Scale the previous release to zero', replicas: { previous: 0, new: 0 }, newTrafficPercent: 0, peakPods: N, wait: { type: 'podsGone' } },
      { id: 'up', title: 'Bring the new release up', replicas: { previous: 0, new: N }, newTrafficPercent: 100, peakPods: N, wait: { type: 'ready' } },
    ],
    minimumDurationSeconds: 0,
  };
}
