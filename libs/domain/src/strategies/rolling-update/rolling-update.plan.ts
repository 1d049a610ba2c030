// RollingUpdate's plan: one step, Kubernetes' own rolling update of `<app>` (surge counted in the peak).
import type { StrategyPlan } from '../../model/deployment/plan.types';
import { resolveIntOrPercent } from '../../model/strategy-document/strategy-fields.rules';
import type { RollingUpdateStrategy } from '../../model/strategy-document/strategy-document.types';

export function rollingUpdatePlan(doc: RollingUpdateStrategy, replicas: number): StrategyPlan {
  const N = replicas;
  let surge = resolveIntOrPercent(doc.maxSurge, N, true);
  if (surge === 0 && resolveIntOrPercent(doc.maxUnavailable, N, false) === 0) surge = 1;
  return {
    steps: [
      { id: 'rolling', title: `Rolling update (maxSurge ${doc.maxSurge}, maxUnavailable ${doc.maxUnavailable})`, replicas: { previous: 0, new: N }, newTrafficPercent: 100, peakPods: N + surge, wait: { type: 'ready' } },
    ],
    minimumDurationSeconds: doc.minReadySeconds,
  };
}
