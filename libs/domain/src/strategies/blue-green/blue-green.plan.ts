// BlueGreen's plan: the new colour beside the old one, checks, promotion, the switch, checks, the warm window.
import type { PlanStep, StrategyPlan } from '../../model/deployment/plan.types';
import type { BlueGreenStrategy } from '../../model/strategy-document/strategy-document.types';
import { checkSeconds } from '../shared/plan-math.rules';

export function blueGreenPlan(doc: BlueGreenStrategy, replicas: number): StrategyPlan {
  const N = replicas;
  const steps: Array<Omit<PlanStep, 'index'>> = [];
  let minimum = 0;
  const preview = Math.min(doc.previewReplicaCount ?? N, N);
  steps.push({ id: 'bringUp', title: 'Bring the new colour up beside the previous one; preview Service → new colour', replicas: { previous: N, new: preview }, newTrafficPercent: 0, peakPods: N + preview, wait: { type: 'ready' } });
  if (doc.prePromotionChecks.length > 0) {
    steps.push({ id: 'prePromotion', title: 'Pre-promotion checks', replicas: { previous: N, new: preview }, newTrafficPercent: 0, peakPods: N + preview, wait: { type: 'checks', names: doc.prePromotionChecks.map((c) => c.name) } });
    minimum += checkSeconds(doc.prePromotionChecks);
  }
  const auto = doc.autoPromotionEnabled ? doc.autoPromotionSeconds : null;
  steps.push({ id: 'awaitPromotion', title: 'Await promotion', replicas: { previous: N, new: preview }, newTrafficPercent: 0, peakPods: N + preview, wait: { type: 'promote', autoAfterSeconds: auto } });
  minimum += auto ?? 0;
  steps.push({ id: 'switch', title: 'Switch the active Service to the new colour', replicas: { previous: N, new: N }, newTrafficPercent: 100, peakPods: 2 * N, wait: { type: 'ready' } });
  if (doc.postPromotionChecks.length > 0) {
    steps.push({ id: 'postPromotion', title: 'Post-promotion checks', replicas: { previous: N, new: N }, newTrafficPercent: 100, peakPods: 2 * N, wait: { type: 'checks', names: doc.postPromotionChecks.map((c) => c.name) } });
    minimum += checkSeconds(doc.postPromotionChecks);
  }
  steps.push({ id: 'scaleDownDelay', title: `Keep the previous colour warm for ${doc.scaleDownDelaySeconds}s, then scale it to zero`, replicas: { previous: 0, new: N }, newTrafficPercent: 100, peakPods: 2 * N, wait: { type: 'duration', seconds: doc.scaleDownDelaySeconds } });
  minimum += doc.scaleDownDelaySeconds;
  return { steps, minimumDurationSeconds: minimum };
}
