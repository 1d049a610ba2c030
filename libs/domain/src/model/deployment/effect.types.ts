// What `decide` asks the worker to make true, and what it records on the timeline.
// Every effect states DESIRED STATE and is idempotent: running one twice (after a crash) changes nothing.
import type { AnalysisMetric } from '../analysis/analysis.types';
import type { HeaderMatch, HttpCheck, IntOrPercent } from '../strategy-document/strategy-document.types';
import type { CommandOutcome } from './command.types';
import type { DeploymentState } from './deployment.types';

export type WorkloadUpdateStrategy =
  | { type: 'Recreate'; progressDeadlineSeconds: number }
  | {
      type: 'RollingUpdate';
      maxSurge: IntOrPercent;
      maxUnavailable: IntOrPercent;
      minReadySeconds: number;
      progressDeadlineSeconds: number;
    };

/**
 * Create or update Deployment `name` so its pod template is `release`'s (labels app/env/release/role added by the
 * worker), with `replicas` and `paused`. `updateStrategy` null = keep what the object has (Kubernetes' default when
 * creating).
 */
export interface EnsureWorkloadEffect {
  kind: 'ensureWorkload';
  name: string;
  role: string;
  release: string;
  replicas: number;
  paused: boolean;
  updateStrategy: WorkloadUpdateStrategy | null;
}

/** Set spec.replicas of Deployment `name` (nothing to do when it does not exist). */
export interface ScaleWorkloadEffect {
  kind: 'scaleWorkload';
  name: string;
  replicas: number;
}

/** Create Service `name` if missing and set its selector to exactly `selector` (ports from the environment). */
export interface EnsureServiceEffect {
  kind: 'ensureService';
  name: string;
  selector: Record<string, string>;
}

/**
 * Canary routing by NGINX (Ingress `<app>` → stableService, canary Ingress `<app>-canary` → canaryService with
 * canary-weight and canary-by-header/-value) or Gateway API (HTTPRoute `<app>` with backendRef weights and, when
 * `header` is set, a rule matching it to canaryService). Creates the objects when missing.
 */
export interface SetCanaryWeightEffect {
  kind: 'setCanaryWeight';
  routing:
    | { type: 'nginx'; host: string; ingressClassName: string | null }
    | { type: 'gatewayApi'; parentRef: { name: string; namespace: string | null } };
  stableService: string;
  canaryService: string;
  /** 0..100: share of traffic for canaryService. */
  weight: number;
  /** null = no header rule. */
  header: HeaderMatch | null;
}

/**
 * Job `name` (`<app>-<release>-<hook>`) running the release's preDeploy hook `hook`. Create it when missing; when it
 * exists with an older cutover.dev/attempt annotation (a retry), replace it.
 */
export interface EnsureHookJobEffect {
  kind: 'ensureHookJob';
  name: string;
  release: string;
  hook: string;
  attempt: number;
}

/** Start (once per checkId) the HTTP check; its progress comes back as Observation.checks[checkId]. */
export interface RunCheckEffect {
  kind: 'runCheck';
  checkId: string;
  spec: HttpCheck;
}

export type AnalysisWhere = 'step' | 'background' | 'prePromotion' | 'postPromotion';

/**
 * Start (once per runId) an analysis run: the worker measures each metric on its schedule, records every
 * measurement, and records the run's verdict with the effect when it is over (Observation.analyses[runId]). A run
 * stops measuring once its effect is done or the deployment is no longer Progressing/Paused.
 */
export interface RunAnalysisEffect {
  kind: 'runAnalysis';
  runId: string;
  where: AnalysisWhere;
  metrics: AnalysisMetric[];
}

export type Effect =
  | EnsureWorkloadEffect
  | ScaleWorkloadEffect
  | EnsureServiceEffect
  | SetCanaryWeightEffect
  | EnsureHookJobEffect
  | RunCheckEffect
  | RunAnalysisEffect;

export type EffectKind = Effect['kind'];

export type TimelineEventType =
  | 'Started'
  | 'PhaseChanged'
  | 'HookStarted'
  | 'HookSucceeded'
  | 'HookFailed'
  | 'StepStarted'
  | 'StepCompleted'
  | 'Scaled'
  | 'TrafficShifted'
  | 'ServiceSwitched'
  | 'CheckStarted'
  | 'CheckPassed'
  | 'CheckFailed'
  | 'CheckInconclusive'
  | 'AnalysisStarted'
  | 'AnalysisMeasured'
  | 'AnalysisSuccessful'
  | 'AnalysisFailed'
  | 'AnalysisInconclusive'
  | 'Downtime'
  | 'FailureDetected'
  | 'RollbackStarted'
  | 'CommandApplied'
  | 'CommandRejected'
  | 'ClusterUnreachable'
  | 'ClusterReachable'
  | 'Superseded'
  | 'RetryCancelled'
  | 'ApprovalsComplete';

/** One timeline entry (DeploymentEvent row). `actor` is "system" unless a command caused it. */
export interface TimelineEvent {
  type: TimelineEventType;
  message: string;
  data: Record<string, unknown>;
  actor: string;
}

/** The output of one tick: commit it in one transaction, then run `effects` in order. */
export interface Decision {
  state: DeploymentState;
  effects: Effect[];
  events: TimelineEvent[];
  /** One entry per command handed in that was not consumed before (mark them applied/rejected). */
  commands: CommandOutcome[];
  /** Tick again at this time (ms) even if nothing is observed to change; null = only on watch events/commands. */
  wakeAt: number | null;
}
