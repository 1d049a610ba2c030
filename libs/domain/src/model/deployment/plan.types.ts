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

/** Resources of one pod (requests) or a sum of them. */
export interface ResourceAmount {
  cpuMillis: number;
  memoryBytes: number;
}

/** A stop on the way where the rollout waits for something: analysis, approvals, pauses, promotion. */
export interface PlanGate {
  /** Index of the plan step it belongs to (-1: before the rollout starts). */
  step: number;
  stepId: string;
  kind: 'approval' | 'analysis' | 'checks' | 'pause' | 'promotion';
  title: string;
  /** Least seconds it holds the rollout (null: until a person acts). */
  seconds: number | null;
}

export interface PlanWarning {
  code: 'canary-weight-inexact' | 'weight-goes-backwards' | 'does-not-fit' | 'capacity-unknown' | 'frozen' | 'active-deployment';
  message: string;
  /** Index of the step it is about, null for the whole plan. */
  step: number | null;
}

export interface PlannedStep extends PlanStep {
  /** Pods above what serves now at the step's peak (surge included), and what they request. */
  extraPods: number;
  extra: ResourceAmount;
  /** Worst case to roll back from this step: previous-release pods to start again, and how long that may take. */
  rollback: { podsToStart: number; worstCaseSeconds: number };
}

/** The answer of a dry-run and the plan of a real deployment: one function computes both (planDeployment). */
export interface DeploymentPlanReport {
  strategy: StrategyDocument['type'];
  replicas: number;
  /** First deployment: the release goes straight to serving, the strategy's steps do not apply. */
  direct: boolean;
  steps: PlannedStep[];
  peakPods: number;
  extraPods: number;
  /** Requests of one pod of the release (null: it requests nothing), the most extra at any step, the cluster's free. */
  resources: { perPod: ResourceAmount | null; extra: ResourceAmount; free: (ResourceAmount & { pods: number }) | null; capacityError: string | null };
  verdict: 'fits' | 'does-not-fit' | 'unknown';
  gates: PlanGate[];
  /** Least time from start to the end: pauses, checks, delays (approvals and manual promotions not counted). */
  minimumDurationSeconds: number;
  warnings: PlanWarning[];
}
