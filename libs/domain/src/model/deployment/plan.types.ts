// The whole step plan of a strategy, computed without a cluster: what the API shows before and during a deployment
// (replicas per side, traffic on the new release, peak pods, the least time it can take).
import type { StrategyDocument } from '../strategy-document/strategy-document.types';

export type PlanWait =
  | { type: 'ready' }
  | { type: 'podsGone' }
  | { type: 'duration'; seconds: number }
  | { type: 'promote'; autoAfterSeconds: number | null }
  | { type: 'checks'; names: string[] }
  | { type: 'analysis'; metrics: string[] };

export interface PlanStep {
  index: number;
  /** Stable id of the step: scaleDown/up (Recreate), rolling, bringUp/prePromotion/awaitPromotion/switch/
   * postPromotion/scaleDownDelay (BlueGreen), step-<n>/finish (Canary). A strategy's `stepOf` returns one of them. */
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

/** One strategy's steps (numbered by `plan`) and the least time they take: what a strategy's `plan` returns. */
export interface StrategyPlan {
  steps: Array<Omit<PlanStep, 'index'>>;
  minimumDurationSeconds: number;
}
