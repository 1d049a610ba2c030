// What the API shows about a running deployment (state.status): `decide` derives it from the state and the worker's
// last observation on every tick, so the api (which never talks to a cluster) can read it.

export interface SideStatus {
  /** primary, blue, green, stable or canary. */
  side: string;
  workload: string;
  release: string | null;
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

export interface PodStatus {
  name: string;
  workload: string | null;
  release: string | null;
  /** Pending, Running, Succeeded, Failed (the pod's phase as the cluster reports it). */
  phase: string;
  ready: boolean;
  /** "2/3 init containers done, `migrate` running", "`migrate` failed, exit 1, Init:CrashLoopBackOff", "Running, ready". */
  progress: string;
}

export interface DeploymentStatus {
  observedAt: number;
  /**
   * Only on an ended deployment: false while the worker still observes the cluster after the last effects (scale-downs,
   * selector switches) so the status shows what serves; true once it does (or the window for it passed). Absent in
   * rows written before it existed (taken as final).
   */
  final?: boolean;
  /** Current step of `plan(strategy, replicas)`, by id and index; null before the rollout starts or when going straight to serving. */
  step: { id: string; index: number; total: number; title: string } | null;
  sides: SideStatus[];
  /** % of traffic the new release receives, as far as the observation shows. */
  newTrafficPercent: number;
  services: Record<string, Record<string, string>>;
  pods: PodStatus[];
}
