// BlueGreen's plan: the new colour beside the old one, checks, promotion, the switch, checks, the warm window.
import type { PlanStep, StrategyPlan } from '../../model/deployment/plan.types';
import type { BlueGreenStrategy } from '../../model/strategy-document/strategy-document.types';
import type { AnalysisRef } from '../../model/analysis/analysis.types';
import type { HttpCheck } from '../../model/strategy-document/strategy-document.types';
import { analysisSeconds } from '../shared/analysis.machine';
import { checkSeconds } from '../shared/plan-math.rules';

function gateTitle(stage: string, checks: number, analysis: AnalysisRef | null): string {
  return `${stage} ${[checks > 0 ? 'checks' : null, analysis ? 'analysis' : null].filter(Boolean).join(' then ')}`;
}

/** Checks run first, then the analysis: the plan's wait names the first gate. */
function gateWait(checks: readonly HttpCheck[], analysis: AnalysisRef | null): PlanStep['wait'] {
  if (checks.length > 0 || !analysis) return { type: 'checks', names: checks.map((c) => c.name) };
  return { type: 'analysis', metrics: analysis.metrics.map((m) => m.name) };
}

export function blueGreenPlan(doc: BlueGreenStrategy, replicas: number): StrategyPlan {
  const N = replicas;
  const steps: Array<Omit<PlanStep, 'index'>> = [];
  let minimum = 0;
  const preview = Math.min(doc.previewReplicaCount ?? N, N);
  steps.push({ id: 'bringUp', title: 'Bring the new colour up beside the previous one; preview Service → new colour', replicas: { previous: N, new: preview }, newTrafficPercent: 0, peakPods: N + preview, wait: { type: 'ready' } });
  if (doc.prePromotionChecks.length > 0 || doc.prePromotionAnalysis) {
    steps.push({ id: 'prePromotion', title: gateTitle('Pre-promotion', doc.prePromotionChecks.length, doc.prePromotionAnalysis), replicas: { previous: N, new: preview }, newTrafficPercent: 0, peakPods: N + preview, wait: gateWait(doc.prePromotionChecks, doc.prePromotionAnalysis) });
    minimum += checkSeconds(doc.prePromotionChecks) + (doc.prePromotionAnalysis ? analysisSeconds(doc.prePromotionAnalysis) : 0);
  }
  const auto = doc.autoPromotionEnabled ? doc.autoPromotionSeconds : null;
  steps.push({ id: 'awaitPromotion', title: 'Await promotion', replicas: { previous: N, new: preview }, newTrafficPercent: 0, peakPods: N + preview, wait: { type: 'promote', autoAfterSeconds: auto } });
  minimum += auto ?? 0;
  steps.push({ id: 'switch', title: 'Switch the active Service to the new colour', replicas: { previous: N, new: N }, newTrafficPercent: 100, peakPods: 2 * N, wait: { type: 'ready' } });
  if (doc.postPromotionChecks.length > 0 || doc.postPromotionAnalysis) {
    steps.push({ id: 'postPromotion', title: gateTitle('Post-promotion', doc.postPromotionChecks.length, doc.postPromotionAnalysis), replicas: { previous: N, new: N }, newTrafficPercent: 100, peakPods: 2 * N, wait: gateWait(doc.postPromotionChecks, doc.postPromotionAnalysis) });
    minimum += checkSeconds(doc.postPromotionChecks) + (doc.postPromotionAnalysis ? analysisSeconds(doc.postPromotionAnalysis) : 0);
  }
  steps.push({ id: 'scaleDownDelay', title: `Keep the previous colour warm for ${doc.scaleDownDelaySeconds}s, then scale it to zero`, replicas: { previous: 0, new: N }, newTrafficPercent: 100, peakPods: 2 * N, wait: { type: 'duration', seconds: doc.scaleDownDelaySeconds } });
  minimum += doc.scaleDownDelaySeconds;
  return { steps, minimumDurationSeconds: minimum };
}
