// Kubernetes objects (from the watch cache or a list) → the plain Observation `decide` reads.
import {
  ANNOTATION_ATTEMPT,
  ANNOTATION_RELEASE,
  LABELS,
  names,
  type CapacityObservation,
  type ContainerObservation,
  type JobObservation,
  type Observation,
  type PodObservation,
  type TrafficObservation,
  type WorkloadObservation,
} from '@cutover/domain';
import type { AppTarget, KubeObject } from '../manifests/manifest.types';
import { NGINX } from '../manifests/manifests';

export interface OwnedObjects {
  deployments: KubeObject[];
  pods: KubeObject[];
  services: KubeObject[];
  jobs: KubeObject[];
  ingresses: KubeObject[];
  httproutes: KubeObject[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The verbatim version (annotation); the label is a DNS-safe form of it (objects written before the annotation existed). */
function releaseOf(o: KubeObject): string | null {
  return o.metadata.annotations?.[ANNOTATION_RELEASE] ?? o.metadata.labels?.[LABELS.release] ?? null;
}

export function workloadObservation(d: KubeObject): WorkloadObservation {
  const spec = obj(d.spec);
  const status = obj(d.status);
  return {
    name: d.metadata.name,
    role: d.metadata.labels?.[LABELS.role] ?? null,
    release: releaseOf(d),
    generation: d.metadata.generation ?? 0,
    observedGeneration: num(status.observedGeneration),
    specReplicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
    paused: spec.paused === true,
    replicas: num(status.replicas),
    updatedReplicas: num(status.updatedReplicas),
    readyReplicas: num(status.readyReplicas),
    availableReplicas: num(status.availableReplicas),
    unavailableReplicas: num(status.unavailableReplicas),
    conditions: arr(status.conditions).map((c) => ({
      type: str(c.type) ?? '',
      status: c.status === 'True' ? 'True' : c.status === 'False' ? 'False' : 'Unknown',
      reason: str(c.reason),
      message: str(c.message),
    })),
  };
}

function containerObservation(s: Obj): ContainerObservation {
  const state = obj(s.state);
  const last = obj(obj(s.lastState).terminated);
  let kind: ContainerObservation['state'] = 'waiting';
  let reason: string | null = null;
  let exitCode: number | null = null;
  if (state.running) kind = 'running';
  else if (state.terminated) {
    kind = 'terminated';
    reason = str(obj(state.terminated).reason);
    exitCode = typeof obj(state.terminated).exitCode === 'number' ? (obj(state.terminated).exitCode as number) : null;
  } else reason = str(obj(state.waiting).reason);
  if (exitCode === null && typeof last.exitCode === 'number') exitCode = last.exitCode;
  return { name: str(s.name) ?? '', state: kind, reason, exitCode, restartCount: num(s.restartCount), ready: s.ready === true };
}

/** Statuses in spec order; a container without a status yet is waiting. */
function containers(specList: unknown, statusList: unknown): ContainerObservation[] {
  const statuses = new Map(arr(statusList).map((s) => [str(s.name), s]));
  return arr(specList).map((c) => {
    const s = statuses.get(str(c.name));
    return s ? containerObservation(s) : { name: str(c.name) ?? '', state: 'waiting', reason: null, exitCode: null, restartCount: 0, ready: false };
  });
}

/** The Deployment a pod belongs to, from its role label (the names are fixed per role). */
export function workloadOfRole(app: string, role: string | null): string | null {
  switch (role) {
    case 'primary':
      return names.primary(app);
    case 'blue':
    case 'green':
      return names.colour(app, role);
    case 'stable':
      return names.stable(app);
    case 'canary':
      return names.canary(app);
    default:
      return null;
  }
}

export function podObservation(app: string, p: KubeObject): PodObservation {
  const spec = obj(p.spec);
  const status = obj(p.status);
  const role = p.metadata.labels?.[LABELS.role] ?? null;
  const phase = str(status.phase);
  const ready = arr(status.conditions).some((c) => c.type === 'Ready' && c.status === 'True');
  return {
    name: p.metadata.name,
    workload: workloadOfRole(app, role),
    role,
    release: releaseOf(p),
    phase: phase === 'Running' || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' ? phase : 'Unknown',
    ready,
    terminating: p.metadata.deletionTimestamp !== undefined && p.metadata.deletionTimestamp !== null,
    initContainers: containers(spec.initContainers, status.initContainerStatuses),
    containers: containers(spec.containers, status.containerStatuses),
  };
}

export function jobObservation(j: KubeObject): JobObservation {
  const status = obj(j.status);
  const conditions = arr(status.conditions);
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  const complete = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
  return {
    name: j.metadata.name,
    attempt: Number(j.metadata.annotations?.[ANNOTATION_ATTEMPT] ?? '1') || 1,
    active: num(status.active),
    succeeded: num(status.succeeded),
    failed: num(status.failed),
    status: failed ? 'Failed' : complete ? 'Complete' : 'Running',
    message: failed ? (str(failed.message) ?? str(failed.reason)) : null,
  };
}

export function trafficObservation(app: string, ingresses: KubeObject[], routes: KubeObject[]): TrafficObservation | null {
  const canary = ingresses.find((i) => i.metadata.name === names.canary(app));
  if (canary) {
    const a = canary.metadata.annotations ?? {};
    return { canaryWeight: Number(a[`${NGINX}/canary-weight`] ?? '0') || 0, headerRoute: a[`${NGINX}/canary-by-header`] !== undefined };
  }
  const route = routes.find((r) => r.metadata.name === names.primary(app));
  if (route) {
    const rules = arr(obj(route.spec).rules);
    // The API server defaults a rule without matches to a path match, so the header rule is the one matching headers.
    const byHeader = (r: Obj) => arr(r.matches).some((m) => arr(m.headers).length > 0);
    const weighted = rules.find((r) => !byHeader(r)) ?? {};
    const canaryRef = arr(weighted.backendRefs).find((b) => b.name === names.canary(app));
    return { canaryWeight: num(canaryRef?.weight), headerRoute: rules.some(byHeader) };
  }
  return null;
}

/** Everything Cutover owns for the app in the environment, as `decide` sees it (checks and capacity added by the caller). */
export function buildObservation(target: Pick<AppTarget, 'app' | 'environment'>, objects: OwnedObjects): Observation {
  const mine = (o: KubeObject) => o.metadata.labels?.[LABELS.name] === target.app && o.metadata.labels?.[LABELS.environment] === target.environment;
  const workloads: Observation['workloads'] = {};
  for (const d of objects.deployments.filter(mine)) workloads[d.metadata.name] = workloadObservation(d);
  const services: Observation['services'] = {};
  for (const s of objects.services.filter(mine)) services[s.metadata.name] = { name: s.metadata.name, selector: { ...(obj(s.spec).selector as Record<string, string>) } };
  const jobs: Observation['jobs'] = {};
  for (const j of objects.jobs.filter(mine)) jobs[j.metadata.name] = jobObservation(j);
  return {
    workloads,
    pods: objects.pods.filter(mine).map((p) => podObservation(target.app, p)),
    services,
    traffic: trafficObservation(target.app, objects.ingresses.filter(mine), objects.httproutes.filter(mine)),
    jobs,
    checks: {},
    analyses: {},
    capacity: null,
  };
}

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEM: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

export function cpuMillis(q: unknown): number {
  const m = typeof q === 'string' ? CPU.exec(q) : null;
  if (typeof q === 'number') return q * 1000;
  return m ? Number(m[1]) * (m[2] === 'm' ? 1 : 1000) : 0;
}

export function memoryBytes(q: unknown): number {
  if (typeof q === 'number') return q;
  const m = typeof q === 'string' ? /^(\d+(?:\.\d+)?)([kMGT]i?|)$/.exec(q) : null;
  return m ? Number(m[1]) * (MEM[m[2]] ?? 1) : 0;
}

/** Allocatable of schedulable nodes minus the requests of the pods bound to them. */
export function capacityObservation(nodes: KubeObject[], pods: KubeObject[]): CapacityObservation {
  const usable = nodes.filter((n) => obj(n.spec).unschedulable !== true);
  const nodeNames = new Set(usable.map((n) => n.metadata.name));
  let cpu = 0;
  let mem = 0;
  let podSlots = 0;
  for (const n of usable) {
    const a = obj(obj(n.status).allocatable);
    cpu += cpuMillis(a.cpu);
    mem += memoryBytes(a.memory);
    podSlots += Number(a.pods ?? 0) || 0;
  }
  for (const p of pods) {
    const spec = obj(p.spec);
    const phase = str(obj(p.status).phase);
    if (!nodeNames.has(str(spec.nodeName) ?? '') || phase === 'Succeeded' || phase === 'Failed') continue;
    podSlots -= 1;
    for (const c of arr(spec.containers)) {
      const r = obj(obj(c.resources).requests);
      cpu -= cpuMillis(r.cpu);
      mem -= memoryBytes(r.memory);
    }
  }
  return { cpuMillis: Math.max(0, cpu), memoryBytes: Math.max(0, mem), pods: Math.max(0, podSlots) };
}
