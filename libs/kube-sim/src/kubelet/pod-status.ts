// The kubelet's view of one pod (containers, sandbox, conditions) and how it renders into pod.status,
// field for field as a v1.32 kubelet writes it. Pure: time comes in as timestamps.
import { createHash, randomBytes } from 'node:crypto';

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; message?: string; startedAt?: string | null; finishedAt: string; containerID?: string } };

export interface ContainerModel {
  name: string;
  image: string;
  state: ContainerState;
  lastState: ContainerState | Record<string, never>;
  ready: boolean;
  restartCount: number;
  imageID: string;
  containerID?: string;
  started: boolean;
  /** Ran at least once (decides Succeeded vs Failed on shutdown). */
  everRan: boolean;
}

export interface ConditionModel {
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface PodModel {
  hostIP: string;
  podIP?: string;
  startTime: string;
  sandboxReady: boolean;
  init: ContainerModel[];
  app: ContainerModel[];
  /** Set when the pod is terminal (shut down, or a run-to-completion pod finished). */
  terminalPhase?: 'Succeeded' | 'Failed';
  conditions: Record<string, ConditionModel>;
  qosClass: string;
}

export function newContainer(c: { name: string; image: string }): ContainerModel {
  return {
    name: c.name,
    image: c.image,
    state: { waiting: { reason: 'PodInitializing' } },
    lastState: {},
    ready: false,
    restartCount: 0,
    imageID: '',
    started: false,
    everRan: false,
  };
}

export function imageIdOf(image: string): string {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const repo = colon > slash ? ref.slice(0, colon) : ref;
  return `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

export function newContainerId(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

const isRunning = (c: ContainerModel): boolean => 'running' in c.state;
const isCompleted = (c: ContainerModel): boolean => 'terminated' in c.state && c.state.terminated.exitCode === 0;

/** The pod phase a kubelet reports (getPhase) for restartPolicy Always. */
export function podPhase(m: PodModel): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  if (m.terminalPhase) return m.terminalPhase;
  if (!m.init.every(isCompleted)) return 'Pending';
  const anyStarted = m.app.some((c) => isRunning(c) || c.everRan);
  return anyStarted ? 'Running' : 'Pending';
}

function setCond(m: PodModel, type: string, status: 'True' | 'False', now: string, reason?: string, message?: string): void {
  const cur = m.conditions[type];
  const lastTransitionTime = cur && cur.status === status ? cur.lastTransitionTime : now;
  m.conditions[type] = { status, lastTransitionTime, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/** Recompute PodReadyToStartContainers, Initialized, ContainersReady and Ready from the containers. */
export function refreshConditions(m: PodModel, now: string): void {
  setCond(m, 'PodReadyToStartContainers', m.sandboxReady ? 'True' : 'False', now);
  const incompleteInit = m.init.filter((c) => !isCompleted(c)).map((c) => c.name);
  if (incompleteInit.length === 0) setCond(m, 'Initialized', 'True', now);
  else setCond(m, 'Initialized', 'False', now, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`);
  if (m.terminalPhase) {
    setCond(m, 'ContainersReady', 'False', now, 'PodCompleted');
    setCond(m, 'Ready', 'False', now, 'PodCompleted');
    return;
  }
  const unready = m.app.filter((c) => !c.ready).map((c) => c.name);
  if (unready.length === 0) {
    setCond(m, 'ContainersReady', 'True', now);
    setCond(m, 'Ready', 'True', now);
  } else {
    const msg = `containers with unready status: [${unready.join(' ')}]`;
    setCond(m, 'ContainersReady', 'False', now, 'ContainersNotReady', msg);
    setCond(m, 'Ready', 'False', now, 'ContainersNotReady', msg);
  }
}

function renderContainer(c: ContainerModel): Record<string, unknown> {
  return {
    name: c.name,
    state: c.state,
    lastState: c.lastState,
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.imageID,
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: c.started,
  };
}

/** pod.status as the API shows it; scheduledAt is the PodScheduled condition's time (kept from the scheduler). */
export function renderStatus(m: PodModel, scheduled: Record<string, unknown> | undefined): Record<string, unknown> {
  const cond = (type: string): Record<string, unknown> => {
    const c = m.conditions[type]!;
    return { type, status: c.status, lastProbeTime: null, lastTransitionTime: c.lastTransitionTime, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
  };
  const conditions = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'].filter((t) => m.conditions[t]).map(cond);
  if (scheduled) conditions.push(scheduled);
  return {
    phase: podPhase(m),
    conditions,
    hostIP: m.hostIP,
    hostIPs: [{ ip: m.hostIP }],
    ...(m.podIP ? { podIP: m.podIP, podIPs: [{ ip: m.podIP }] } : {}),
    startTime: m.startTime,
    ...(m.init.length ? { initContainerStatuses: m.init.map(renderContainer) } : {}),
    containerStatuses: m.app.map(renderContainer),
    qosClass: m.qosClass,
  };
}

/** kubectl's STATUS column reasoning, used in Event messages and tests: Init:Error, Init:CrashLoopBackOff, … */
export function displayReason(m: PodModel): string {
  for (let i = 0; i < m.init.length; i++) {
    const c = m.init[i]!;
    if (isCompleted(c)) continue;
    if ('terminated' in c.state) return c.state.terminated.reason ? `Init:${c.state.terminated.reason}` : `Init:ExitCode:${c.state.terminated.exitCode}`;
    if ('waiting' in c.state && c.state.waiting.reason !== 'PodInitializing') return `Init:${c.state.waiting.reason}`;
    return `Init:${i}/${m.init.length}`;
  }
  for (const c of m.app) {
    if ('waiting' in c.state && c.state.waiting.reason) return c.state.waiting.reason;
    if ('terminated' in c.state) return c.state.terminated.reason;
  }
  return podPhase(m);
}
