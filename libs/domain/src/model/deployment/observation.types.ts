// What the worker read from the cluster for one deployment, handed to `decide` as plain data.
// The worker lists the objects Cutover owns for the app in the environment (labels in ARCHITECTURE.md) and maps
// them here; absent objects are simply missing from the records.
import type { AnalysisRunStatus } from '../analysis/analysis.types';

export interface WorkloadCondition {
  /** Deployment condition type: Available, Progressing, ReplicaFailure. */
  type: string;
  status: 'True' | 'False' | 'Unknown';
  /** e.g. NewReplicaSetAvailable, ReplicaSetUpdated, ProgressDeadlineExceeded. */
  reason: string | null;
  message: string | null;
}

/** One apps/v1 Deployment Cutover owns (`<app>`, `<app>-blue`, `<app>-canary`, ...). */
export interface WorkloadObservation {
  name: string;
  /** Label cutover.dev/role on the Deployment. */
  role: string | null;
  /** Label cutover.dev/release on the Deployment (its pod template's release). */
  release: string | null;
  generation: number;
  observedGeneration: number;
  /** spec.replicas */
  specReplicas: number;
  /** spec.paused */
  paused: boolean;
  /** status.replicas / updatedReplicas / readyReplicas / availableReplicas / unavailableReplicas (0 when absent). */
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions: WorkloadCondition[];
}

export interface ContainerObservation {
  name: string;
  state: 'waiting' | 'running' | 'terminated';
  /** state.waiting.reason or state.terminated.reason (CrashLoopBackOff, ImagePullBackOff, ErrImagePull, Error, Completed...). */
  reason: string | null;
  /** state.terminated.exitCode, else lastState.terminated.exitCode (what a crash-looping container last exited with). */
  exitCode: number | null;
  restartCount: number;
  ready: boolean;
}

/** One pod of a workload Cutover owns (hook Job pods are left out, or carry role "hook"). */
export interface PodObservation {
  name: string;
  /** Name of the owning Deployment (through its ReplicaSet); null when unknown. */
  workload: string | null;
  role: string | null;
  release: string | null;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  ready: boolean;
  /** metadata.deletionTimestamp is set. */
  terminating: boolean;
  /** In spec order: init containers run one after another. */
  initContainers: ContainerObservation[];
  containers: ContainerObservation[];
}

export interface ServiceObservation {
  name: string;
  selector: Record<string, string>;
}

/** The canary route as it is now (Ingress canary-weight annotation, or HTTPRoute backendRef weights). */
export interface TrafficObservation {
  canaryWeight: number;
  headerRoute: boolean;
}

/** A pre-deploy hook Job. */
export interface JobObservation {
  name: string;
  /** Annotation cutover.dev/attempt: which `ensureHookJob.attempt` created it. */
  attempt: number;
  active: number;
  succeeded: number;
  failed: number;
  /** Complete / Failed from the Job's conditions; Running otherwise. */
  status: 'Running' | 'Complete' | 'Failed';
  message: string | null;
}

/** Progress of a `runCheck` effect, reported by the worker's check runner. */
export interface CheckObservation {
  checkId: string;
  status: 'Running' | 'Passed' | 'Failed' | 'Inconclusive';
  successes: number;
  failures: number;
  /** Last probe's outcome, e.g. "GET http://app-preview/healthz → 503". */
  message: string | null;
}

/** Free capacity summed over schedulable nodes (allocatable minus requests of the pods on them). */
export interface CapacityObservation {
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
}

export interface Observation {
  /** Verdicts of the analysis runs that finished (by runId); a run missing here is still measuring. */
  analyses: Record<string, AnalysisRunStatus>;
  workloads: Record<string, WorkloadObservation>;
  pods: PodObservation[];
  services: Record<string, ServiceObservation>;
  /** null when the strategy routes by replicas or no canary route exists. */
  traffic: TrafficObservation | null;
  jobs: Record<string, JobObservation>;
  checks: Record<string, CheckObservation>;
  /** null when unknown (the BlueGreen fit check is then skipped). */
  capacity: CapacityObservation | null;
}

export function emptyObservation(): Observation {
  return { workloads: {}, pods: [], services: {}, traffic: null, jobs: {}, checks: {}, analyses: {}, capacity: null };
}
