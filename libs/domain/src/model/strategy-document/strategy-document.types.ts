// Normalised strategy documents: what `parseStrategyDocument` returns and what Deployment.strategy stores.
// Every duration is in seconds and every default is filled in, so the machines never re-interpret user input.
import type { AnalysisRef } from '../analysis/analysis.types';

export type StrategyType = 'Recreate' | 'RollingUpdate' | 'BlueGreen' | 'Canary';
export const strategyTypes: readonly StrategyType[] = ['Recreate', 'RollingUpdate', 'BlueGreen', 'Canary'];

/** A Kubernetes int-or-string: a pod count (`1`) or a percentage of the replicas (`"25%"`). */
export type IntOrPercent = number | string;

/** Defaults that every strategy shares (an extension of the documents: lets tests use short deadlines). */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export interface HttpCheck {
  /** Shown in the timeline; defaults to its position (`pre-1`, `post-2`, `step-3`). */
  name: string;
  /** http(s) URL the worker probes. */
  url: string;
  /** Status a probe must answer with to count as a success (default 200). */
  expectStatus: number;
  /** Seconds one probe may take. */
  timeout: number;
  /** Seconds between probes. */
  interval: number;
  /** Probes to run. */
  count: number;
  /** Failed probes tolerated; one more fails the check. */
  failureLimit: number;
}

export interface RecreateStrategy {
  type: 'Recreate';
  progressDeadlineSeconds: number;
}

export interface RollingUpdateStrategy {
  type: 'RollingUpdate';
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  minReadySeconds: number;
  progressDeadlineSeconds: number;
}

export interface BlueGreenStrategy {
  type: 'BlueGreen';
  autoPromotionEnabled: boolean;
  autoPromotionSeconds: number;
  scaleDownDelaySeconds: number;
  /** Replicas of the new colour before promotion; null = the full replica count. */
  previewReplicaCount: number | null;
  prePromotionChecks: HttpCheck[];
  postPromotionChecks: HttpCheck[];
  /** Metric analysis before the switch (with the preview) and after it (docs/analysis.md); null = none. */
  prePromotionAnalysis: AnalysisRef | null;
  postPromotionAnalysis: AnalysisRef | null;
  progressDeadlineSeconds: number;
}

export interface HeaderMatch {
  name: string;
  value: string;
}

export type TrafficRouting =
  | { type: 'replicas' }
  | { type: 'nginx'; host: string; ingressClassName: string | null; header: HeaderMatch | null }
  | { type: 'gatewayApi'; parentRef: { name: string; namespace: string | null }; header: HeaderMatch | null };

export type CanaryScale = { replicas: number } | { weight: number } | { matchTrafficWeight: true };

export type CanaryStep =
  | { setWeight: number }
  /** No duration: wait for promote. */
  | { pause: { duration: number | null } }
  | { setCanaryScale: CanaryScale }
  | { check: HttpCheck }
  /** Blocks until the analysis passes; fails the rollout when it fails; pauses it (Inconclusive) otherwise. */
  | { analysis: AnalysisRef };

export interface CanaryStrategy {
  type: 'Canary';
  trafficRouting: TrafficRouting;
  steps: CanaryStep[];
  /** Runs across the steps from the first one; fails the rollout the moment it fails. null = none. */
  backgroundAnalysis: AnalysisRef | null;
  progressDeadlineSeconds: number;
}

export type StrategyDocument = RecreateStrategy | RollingUpdateStrategy | BlueGreenStrategy | CanaryStrategy;
