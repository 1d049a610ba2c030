// Canary's plan: one plan step per document step (setWeight, setCanaryScale, pause, check), then `finish`.
import type { PlanStep, StrategyPlan } from '../../model/deployment/plan.types';
import type { CanaryScale, CanaryStrategy } from '../../model/strategy-document/strategy-document.types';
import { analysisSeconds } from '../shared/analysis.machine';
import { checkSeconds, percent } from '../shared/plan-math.rules';

function podsFor(replicas: number, weight: number): number {
  return weight <= 0 ? 0 : Math.max(1, Math.ceil((replicas * weight) / 100));
}

/**
 * Canary pods for `weight` with N = `replicas`: ceil(N·w/100), at least 1 when w > 0, unless a setCanaryScale is in
 * force (explicit replicas are capped at N).
 */
export function canaryReplicas(replicas: number, weight: number, scale: CanaryScale | null): number {
  if (scale === null || 'matchTrafficWeight' in scale) return podsFor(replicas, weight);
  if ('replicas' in scale) return Math.min(scale.replicas, replicas);
  return podsFor(replicas, scale.weight);
}

export function canaryPlan(doc: CanaryStrategy, replicas: number): StrategyPlan {
  const N = replicas;
  const steps: Array<Omit<PlanStep, 'index'>> = [];
  let minimum = 0;
  let weight = 0;
  let scale: CanaryScale | null = null;
  const byReplicas = doc.trafficRouting.type === 'replicas';
  const traffic = (pods: number) => (byReplicas ? percent(pods, N + pods) : weight);
  for (const step of doc.steps) {
    if ('setWeight' in step || 'setCanaryScale' in step) {
      if ('setWeight' in step) weight = step.setWeight;
      else scale = 'matchTrafficWeight' in step.setCanaryScale ? null : step.setCanaryScale;
      const pods = canaryReplicas(N, weight, scale);
      const title = 'setWeight' in step ? `Set weight ${step.setWeight}%` : `Set canary scale ${JSON.stringify(step.setCanaryScale)}`;
      steps.push({ id: `step-${steps.length + 1}`, title, replicas: { stable: N, canary: pods }, newTrafficPercent: traffic(pods), peakPods: N + pods, wait: { type: 'ready' } });
    } else {
      const pods = canaryReplicas(N, weight, scale);
      const base = { replicas: { stable: N, canary: pods }, newTrafficPercent: traffic(pods), peakPods: N + pods };
      if ('pause' in step) {
        const d = step.pause.duration;
        steps.push({ ...base, id: `step-${steps.length + 1}`, title: d === null ? 'Pause until promoted' : `Pause ${d}s`, wait: d === null ? { type: 'promote', autoAfterSeconds: null } : { type: 'duration', seconds: d } });
        minimum += d ?? 0;
      } else if ('analysis' in step) {
        const metrics = step.analysis.metrics.map((m) => m.name);
        steps.push({ ...base, id: `step-${steps.length + 1}`, title: `Analysis ${metrics.join(', ')}`, wait: { type: 'analysis', metrics } });
        minimum += analysisSeconds(step.analysis);
      } else {
        steps.push({ ...base, id: `step-${steps.length + 1}`, title: `Check ${step.check.name}`, wait: { type: 'checks', names: [step.check.name] } });
        minimum += checkSeconds([step.check]);
      }
    }
  }
  const last = canaryReplicas(N, weight, scale);
  steps.push({ id: 'finish', title: 'Move stable to the new release, then scale the canary to zero', replicas: { stable: N, canary: 0 }, newTrafficPercent: 100, peakPods: N + last + Math.ceil(N / 4), wait: { type: 'ready' } });
  return { steps, minimumDurationSeconds: minimum };
}
