// The whole step plan of a strategy, computed without a cluster: what the API shows before and during a deployment
// (replicas per side, traffic on the new release, peak pods, the least time it can take).
import { canaryReplicas } from '../strategies/canary/canary.machine';
import { resolveIntOrPercent } from '../model/strategy-document/strategy-fields';
import type { CanaryScale, HttpCheck, StrategyDocument } from '../model/strategy-document/strategy-document.types';

export type PlanWait =
  | { type: 'ready' }
  | { type: 'podsGone' }
  | { type: 'duration'; seconds: number }
  | { type: 'promote'; autoAfterSeconds: number | null }
  | { type: 'checks'; names: string[] };

export interface PlanStep {
  index: number;
  /** Stable id of the step: scaleDown/up (Recreate), rolling, bringUp/prePromotion/awaitPromotion/switch/
   * postPromotion/scaleDownDelay (BlueGreen), step-<n>/finish (Canary). `currentStepId` returns one of them. */
  id: string;
  title: string;
  /**
   * Desired replicas per side after the step: `previous`/`new` (Recreate, RollingUpdate, BlueGreen) or
   * `stable`/`canary` (Canary).
   */
  replicas: Record<string, number>;
  /** % of traffic on the new release after the step (by replicas routing: the pod ratio). */
  newTrafficPercent: number;
  /** Most pods that can exist during the step (surge included). */
  peakPods: number;
  wait: PlanWait;
}

export interface DeploymentPlan {
  strategy: StrategyDocument['type'];
  replicas: number;
  steps: PlanStep[];
  peakPods: number;
  /** Pods above `replicas` at the peak: the extra capacity the strategy needs. */
  extraPods: number;
  /** Pauses, checks and delays that cannot be skipped without a promote. */
  minimumDurationSeconds: number;
}

function checkSeconds(checks: readonly HttpCheck[]): number {
  return Math.max(0, ...checks.map((c) => Math.max(0, c.count - 1) * c.interval));
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10;
}

export function plan(doc: StrategyDocument, replicas: number): DeploymentPlan {
  const N = replicas;
  const steps: Omit<PlanStep, 'index'>[] = [];
  let minimum = 0;
  switch (doc.type) {
    case 'Recreate':
      steps.push({ id: 'scaleDown', title: 'Scale the previous release to zero', replicas: { previous: 0, new: 0 }, newTrafficPercent: 0, peakPods: N, wait: { type: 'podsGone' } });
      steps.push({ id: 'up', title: 'Bring the new release up', replicas: { previous: 0, new: N }, newTrafficPercent: 100, peakPods: N, wait: { type: 'ready' } });
      break;
    case 'RollingUpdate': {
      let surge = resolveIntOrPercent(doc.maxSurge, N, true);
      if (surge === 0 && resolveIntOrPercent(doc.maxUnavailable, N, false) === 0) surge = 1;
      steps.push({ id: 'rolling', title: `Rolling update (maxSurge ${doc.maxSurge}, maxUnavailable ${doc.maxUnavailable})`, replicas: { previous: 0, new: N }, newTrafficPercent: 100, peakPods: N + surge, wait: { type: 'ready' } });
      minimum += doc.minReadySeconds;
      break;
    }
    case 'BlueGreen': {
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
      break;
    }
    case 'Canary': {
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
          } else {
            steps.push({ ...base, id: `step-${steps.length + 1}`, title: `Check ${step.check.name}`, wait: { type: 'checks', names: [step.check.name] } });
            minimum += checkSeconds([step.check]);
          }
        }
      }
      const last = canaryReplicas(N, weight, scale);
      steps.push({ id: 'finish', title: 'Move stable to the new release, then scale the canary to zero', replicas: { stable: N, canary: 0 }, newTrafficPercent: 100, peakPods: N + last + Math.ceil(N / 4), wait: { type: 'ready' } });
      break;
    }
  }
  const indexed = steps.map((s, index) => ({ index, ...s }));
  const peakPods = Math.max(N, ...indexed.map((s) => s.peakPods));
  return { strategy: doc.type, replicas: N, steps: indexed, peakPods, extraPods: peakPods - N, minimumDurationSeconds: minimum };
}
