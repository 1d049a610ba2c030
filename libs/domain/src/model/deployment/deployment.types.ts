// A deployment's durable machine state (Deployment.state JSON). Plain data only: it round-trips through JSON.
import type { CanaryScale, StrategyDocument } from '../strategy-document/strategy-document.types';
import type { ApprovalPolicy } from './approval.types';
import type { DeploymentStatus } from './status.types';

export type Phase =
  | 'Pending'
  | 'Progressing'
  | 'Paused'
  | 'Succeeded'
  | 'Failed'
  | 'RollingBack'
  | 'RolledBack'
  | 'Aborted'
  | 'Superseded';

export const phases: readonly Phase[] = [
  'Pending',
  'Progressing',
  'Paused',
  'Succeeded',
  'Failed',
  'RollingBack',
  'RolledBack',
  'Aborted',
  'Superseded',
];

/** The deployment is over: nothing more happens unless a `retry` command restarts it. */
export const terminalPhases: readonly Phase[] = ['Succeeded', 'Failed', 'RolledBack', 'Aborted', 'Superseded'];

export function isTerminal(phase: Phase): boolean {
  return terminalPhases.includes(phase);
}

/** unreachable: no connection or no answer; tls: handshake or certificate; 401/403; apiMissing: 404 of a needed API. */
export type ClusterTroubleKind = 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'apiMissing';

export interface ClusterTrouble {
  kind: ClusterTroubleKind;
  /** One sentence naming the server and what to do (never credentials). */
  reason: string;
}

/** On the deployment while its cluster cannot be reached: since when (ms), and the latest kind and reason. */
export interface ClusterErrorState extends ClusterTrouble {
  since: number;
}

export type PauseReason = 'PauseStep' | 'AwaitingPromotion' | 'UserPaused' | 'Inconclusive' | 'ClusterUnreachable' | 'AwaitingApproval';

/** Facts fixed when the deployment is created (from its rows); the machine never changes them. */
export interface DeploymentContext {
  app: string;
  environment: string;
  /** Version being deployed. */
  release: string;
  /** Version that served before (Deployment.previousReleaseId), null for the first deployment. */
  previousRelease: string | null;
  kind: 'deploy' | 'rollback';
  /** Environment.replicas when the deployment was created. */
  replicas: number;
  /** Normalised (parseStrategyDocument) effective strategy. */
  strategy: StrategyDocument;
  /** Names of the release's hooks.preDeploy, in order. */
  preDeployHooks: string[];
  /** Requests of one pod of the release (for the BlueGreen fit check); null when it requests nothing. */
  podRequests: { cpuMillis: number; memoryBytes: number } | null;
  /** The environment's approval policy when the deployment was created (absent in rows written before approvals). */
  approvals?: ApprovalPolicy | null;
  /** The release's digest: approvals bind to it. */
  releaseDigest?: string;
  /** Who created the deployment (token name or chat user): excluded from approving it when the policy says so. */
  deployer?: string;
}

/** Approval gates: those passed, and the one waited at (with the pause reason to go back to once approved). */
export interface ApprovalGateState {
  passed: string[];
  waiting: { step: string; resume: PauseReason | null; since: number } | null;
}

export interface BaselineWorkload {
  name: string;
  role: string;
  release: string;
  replicas: number;
}

/** What served before this deployment touched anything: rollback restores exactly this. */
export interface Baseline {
  /** Workloads running the previous release with replicas > 0 when the deployment began. */
  workloads: BaselineWorkload[];
  /** Selectors of the Services Cutover owns for the app, as they were. */
  services: Array<{ name: string; selector: Record<string, string> }>;
}

export type FailureCode =
  | 'HookFailed'
  | 'CrashLoopBackOff'
  | 'ImagePullBackOff'
  | 'ErrImagePull'
  | 'InvalidImageName'
  | 'InitContainerFailed'
  | 'ProgressDeadlineExceeded'
  | 'CheckFailed'
  | 'AnalysisFailed'
  | 'InsufficientCapacity'
  | 'RollbackIncomplete'
  | 'ClusterUnreachable';

export interface Failure {
  code: FailureCode;
  /** One sentence a human can act on, e.g. "init container `migrate` failed, exit 1, Init:CrashLoopBackOff". */
  reason: string;
  at: number;
  data: Record<string, unknown>;
}

/** The new release goes straight to serving: first deployment, or the previous topology belongs to another strategy. */
export interface DirectRollout {
  kind: 'direct';
  stage: 'up' | 'done';
  since: number;
}

export interface RecreateRollout {
  kind: 'recreate';
  stage: 'scaleDown' | 'up' | 'done';
  since: number;
  downtimeStartedAt: number;
}

export interface RollingRollout {
  kind: 'rolling';
  stage: 'rolling' | 'done';
  since: number;
}

export type BlueGreenStage = 'bringUp' | 'prePromotion' | 'awaitPromotion' | 'scaleUp' | 'postPromotion' | 'scaleDownDelay' | 'done';

export interface BlueGreenRollout {
  kind: 'blueGreen';
  stage: BlueGreenStage;
  since: number;
  /** Colour of the new release, and of the one serving before. */
  colour: 'blue' | 'green';
  oldColour: 'blue' | 'green';
  checkAttempt: number;
  /** The pre/post-promotion analysis measuring now (its checks passed first); absent/null when none. */
  analysisRunId?: string | null;
}

export interface CanaryRollout {
  kind: 'canary';
  stage: 'steps' | 'finish' | 'done';
  since: number;
  stepIndex: number;
  /** The current step's entry effects were emitted. */
  stepEntered: boolean;
  /** Traffic weight set by the last setWeight (0..100). */
  weight: number;
  /** setCanaryScale override in force, null = match the traffic weight. */
  scale: CanaryScale | null;
  checkAttempt: number;
  /**
   * The background analysis (absent in rows written before it existed): its attempt (a retry starts a new run) and
   * what became of it: running, passed (its count is done), or accepted by a promote while inconclusive.
   */
  background?: { runId: string; status: 'running' | 'passed' | 'accepted' } | null;
  /** The run of the current `analysis` step, once started. */
  stepRunId?: string | null;
}

export type RolloutState = DirectRollout | RecreateRollout | RollingRollout | BlueGreenRollout | CanaryRollout;

export interface DeploymentState {
  schema: 1;
  ctx: DeploymentContext;
  phase: Phase;
  pauseReason: PauseReason | null;
  /** When the phase (or pause reason) last changed, ms. */
  phaseSince: number;
  /** Captured on the first tick; null while Pending. */
  baseline: Baseline | null;
  /** Pre-deploy hooks: index of the next one to finish, whether its Job was asked for, and the retry attempt. */
  hooks: { next: number; started: boolean; since: number; attempt: number };
  /** Strategy progress once the hooks are done. */
  rollout: RolloutState | null;
  /** Names of Deployments this deployment set to its release (rollback scales down those not in the baseline). */
  touched: string[];
  failure: Failure | null;
  /** Where a RollingBack / restore ends: RolledBack (rollback, automatic) or Aborted/Superseded. */
  restoreTarget: 'RolledBack' | 'Aborted' | 'Superseded' | null;
  restoreSince: number | null;
  consumedCommandIds: string[];
  /** What the last tick observed, shaped for the API (sides, traffic, Services, pods, current step). */
  status: DeploymentStatus | null;
  /** Analysis runs started so far: makes every run id unique within the deployment (absent = 0). */
  analysisRuns?: number;
  /** Set while the cluster cannot be reached (kind, reason, since when); absent in rows written before it existed. */
  clusterError?: ClusterErrorState | null;
  /** Approval gates (absent until the first gate is met). */
  approvalGates?: ApprovalGateState;
}
