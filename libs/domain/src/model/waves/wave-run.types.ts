// A wave run's durable machine state (WaveRun.state JSON): one release rolled out over ordered waves of
// environments, with a gate between waves (docs/waves.md, docs/adr/0013). Plain data only: it round-trips through JSON.
import type { AnalysisRef } from '../analysis/analysis.types';
import type { Phase } from '../deployment/deployment.types';

export type WaveRunPhase = 'Running' | 'Paused' | 'Succeeded' | 'Failed' | 'Aborted';
export const waveRunPhases: readonly WaveRunPhase[] = ['Running', 'Paused', 'Succeeded', 'Failed', 'Aborted'];
export const terminalWaveRunPhases: readonly WaveRunPhase[] = ['Succeeded', 'Failed', 'Aborted'];

export function isWaveRunTerminal(phase: WaveRunPhase): boolean {
  return terminalWaveRunPhases.includes(phase);
}

/** Pending: not reached; Running: deployments under way; Gate: all done, waiting for the gate; Passed: gate opened. */
export type WavePhase = 'Pending' | 'Running' | 'Gate' | 'Passed' | 'Failed' | 'Aborted' | 'Skipped';

/**
 * An environment of a wave, as the run sees it: `Waiting` (not started yet), `Starting` (decided, its deployment
 * is being created in the commit), a deployment phase once it exists, or `Refused` (it could not start: another
 * deployment holds the environment, a freeze window, a missing template).
 */
export type WaveEnvironmentPhase = 'Waiting' | 'Starting' | 'Refused' | Phase;

export interface WaveEnvironmentState {
  environment: string;
  environmentId: string;
  cluster: string;
  deploymentId: string | null;
  phase: WaveEnvironmentPhase;
  /** Why it failed or was refused (the deployment's failure reason, the conflict). */
  reason: string | null;
}

/** An approval gate's policy between waves: distinct people who promote the gate. */
export interface WaveApprovalGate {
  /** Distinct approvers needed (1..20). */
  required: number;
  /** Roles admitted (`deployer` admits deployer and admin). */
  from: Array<'viewer' | 'deployer' | 'admin'>;
  /** The run's creator does not count. */
  excludeCreator: boolean;
}

/** The gate's analysis: templates (and inline metrics) as a strategy's analysis step names them. */
export type WaveAnalysisGate = AnalysisRef;

/** What must hold after every environment of the wave succeeded, before the next wave starts (or the run ends). */
export interface WaveGate {
  bakeSeconds: number | null;
  manual: boolean;
  analysis: WaveAnalysisGate | null;
  approval: WaveApprovalGate | null;
}

export type WaveGateWait = 'bake' | 'promotion' | 'approval' | 'analysis';

export interface WaveGateState {
  /** Epoch ms the gate was reached (every environment of the wave ended well); null before. */
  reachedAt: number | null;
  /** Epoch ms the bake ends. */
  bakeUntil: number | null;
  promotedBy: string | null;
  /** Distinct approvers so far (names), in order. */
  approvals: string[];
  /** The analysis' verdict once known. */
  analysis: 'Running' | 'Successful' | 'Failed' | null;
  openedAt: number | null;
}

export interface WaveState {
  name: string;
  /** How many environments of the wave are deployed at once (null: all). */
  maxParallel: number | null;
  /** The label selector the environments were chosen by (frozen at creation), or null when named. */
  selector: string | null;
  /** A strategy document that overrides each environment's configured one (null: as configured). */
  strategy: unknown;
  gate: WaveGate;
  gateState: WaveGateState;
  phase: WavePhase;
  environments: WaveEnvironmentState[];
  startedAt: number | null;
  endedAt: number | null;
}

export interface WaveRunPolicy {
  stopOnFailure: boolean;
  /** On a stop, roll back the environments already succeeded, in reverse wave order. */
  rollbackCompleted: boolean;
  /** Environments that may fail before the run stops. */
  failureBudget: number;
  /** Start over a deployment already active in an environment (it ends Superseded), as a single create does. */
  supersede: boolean;
}

export interface WaveRunEvent {
  type: WaveRunEventType;
  message: string;
  data?: Record<string, unknown>;
  actor: string | null;
  at: number;
}

export type WaveRunEventType =
  | 'WaveRunCreated'
  | 'WaveStarted'
  | 'WaveEnvironmentStarted'
  | 'WaveEnvironmentEnded'
  | 'WaveGateWaiting'
  | 'WaveGateOpened'
  | 'WaveRunPaused'
  | 'WaveRunResumed'
  | 'WaveRunPromoted'
  | 'WaveRunStopping'
  | 'WaveRunSucceeded'
  | 'WaveRunFailed'
  | 'WaveRunAborted';

export interface WaveRunState {
  app: string;
  release: string;
  phase: WaveRunPhase;
  pauseReason: 'UserPaused' | null;
  /** Index of the wave under way (or at its gate); waves.length once every wave passed. */
  current: number;
  waves: WaveState[];
  policy: WaveRunPolicy;
  /** Environments that failed, rolled back, were aborted, superseded or refused. */
  failures: number;
  /** Set when the run stopped starting waves (failure over budget, analysis failed): it ends Failed once nothing runs. */
  stopping: { reason: string; at: number } | null;
  /** The run's creator (audit actor of the deployments it starts). */
  createdBy: string;
  createdByTokenId: string | null;
  reason: string | null;
  /** Rollbacks of completed environments asked for (deployment ids), so they are asked once. */
  rollbacksRequested: string[];
  /** The run's own timeline (the last 200 entries). */
  history: WaveRunEvent[];
}

export type WaveRunCommandType = 'abort' | 'pause' | 'resume' | 'promote';
export const waveRunCommandTypes: readonly WaveRunCommandType[] = ['abort', 'pause', 'resume', 'promote'];

export interface WaveRunCommand {
  type: WaveRunCommandType;
  actor: string;
  /** The actor's role, for approval gates. */
  role: 'viewer' | 'deployer' | 'admin';
  reason: string | null;
}

/** What the worker sees of the run's deployments (read from Postgres, never from a cluster). */
export interface WaveRunObservation {
  deployments: Record<string, { phase: Phase; reason: string | null }>;
  /** The gate analysis' verdict of the current wave, when one runs. */
  analysis?: 'Running' | 'Successful' | 'Failed' | null;
}

export type WaveRunEffect =
  /** Create the deployments of these environments of wave `wave` (one transaction, with the run's commit). */
  | { kind: 'startDeployments'; wave: number; environments: string[] }
  /** Abort these deployments through the normal abort command path. */
  | { kind: 'abortDeployments'; deploymentIds: string[]; reason: string }
  /** Roll back these succeeded deployments (newest wave first) through the normal rollback path. */
  | { kind: 'rollbackDeployments'; deploymentIds: string[]; reason: string }
  /** Measure the gate analysis of wave `wave`. */
  | { kind: 'runGateAnalysis'; wave: number };

export interface WaveRunDecision {
  state: WaveRunState;
  effects: WaveRunEffect[];
  events: WaveRunEvent[];
  /** Tick again no later than this (a bake's end); null when only an event can move the run. */
  wakeAt: number | null;
}

/** How a deployment started by the run came out of its start: its id and phase, or why it could not start. */
export interface WaveStartResult {
  environment: string;
  deploymentId: string | null;
  phase: WaveEnvironmentPhase;
  reason: string | null;
}
