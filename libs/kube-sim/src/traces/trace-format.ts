// Reading the golden traces of libs/kube-sim/test/traces (recorded from a real control plane) and projecting watch events onto the fields a rollout
// depends on, so a simulator run can be compared with what the real control plane did.
import { readFileSync } from 'node:fs';
import path from 'node:path';

// The traces live in the repository (libs/kube-sim/test/traces) so a fresh clone can replay them; KUBE_TRACES_DIR
// points at a freshly recorded set when comparing a new recording before copying it in.
export const TRACE_DIR = process.env.KUBE_TRACES_DIR ?? path.resolve(__dirname, '../../test/traces');

export type TraceResource = 'deployments' | 'replicasets' | 'pods' | 'services' | 'endpoints' | 'endpointslices';

export interface TraceEvent {
  ms: number;
  resource: TraceResource;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: any;
}

export interface TraceStep {
  ms: number;
  marker: string;
  manifest?: any;
  patch?: any;
  fromReplicaSet?: string;
}

export interface Trace {
  name: string;
  namespace: string;
  steps: TraceStep[];
  events: TraceEvent[];
}

/** The recording kubelet's controls, translated to the simulator's own (README of the traces). */
export function translateTemplate(obj: any): any {
  const o = structuredClone(obj);
  const a = o?.spec?.template?.metadata?.annotations;
  if (a) {
    if (a['sim.example/ready-after-ms'] !== undefined) a['sim.cutover.dev/ready-after'] = `${a['sim.example/ready-after-ms']}ms`;
    if (a['sim.example/init-ms'] !== undefined) a['sim.cutover.dev/init-duration'] = `${a['sim.example/init-ms']}ms`;
    if (a['sim.example/init-fail'] !== undefined) a['sim.cutover.dev/init-fail'] = a['sim.example/init-fail'];
    delete a['sim.example/ready-after-ms'];
    delete a['sim.example/init-ms'];
    delete a['sim.example/init-fail'];
  }
  const fixImages = (cs: any[] | undefined): void => {
    for (const c of cs ?? []) if (typeof c.image === 'string' && c.image.endsWith(':bad')) c.image = c.image.replace(/:bad$/, ':unpullable');
  };
  fixImages(o?.spec?.template?.spec?.containers);
  fixImages(o?.spec?.template?.spec?.initContainers);
  return o;
}

export function loadTrace(file: string): Trace {
  const lines = readFileSync(path.join(TRACE_DIR, file), 'utf8').split('\n').filter((l) => l.trim());
  const first = JSON.parse(lines[0]!);
  const steps: TraceStep[] = [];
  const events: TraceEvent[] = [];
  for (const l of lines.slice(1)) {
    const o = JSON.parse(l);
    if (o.marker !== undefined) {
      steps.push({
        ms: o.ms,
        marker: o.marker,
        ...(o.manifest ? { manifest: translateTemplate(o.manifest) } : {}),
        ...(o.patch ? { patch: translateTemplate(o.patch) } : {}),
        ...(o.fromReplicaSet ? { fromReplicaSet: o.fromReplicaSet } : {}),
      });
    } else events.push(o);
  }
  return { name: first.case, namespace: first.namespace, steps, events };
}

// ---- projections ------------------------------------------------------------------------------------------

const cond = (o: any, type: string): string => {
  const c = (o.status?.conditions ?? []).find((x: any) => x.type === type);
  return c ? `${c.status}/${c.reason}` : '-';
};
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** observedGeneration, replicas, updated, ready, available, unavailable | Available | Progressing. */
export function deploymentState(o: any): string {
  const s = o.status ?? {};
  return `${n(s.observedGeneration)} ${n(s.replicas)} ${n(s.updatedReplicas)} ${n(s.readyReplicas)} ${n(s.availableReplicas)} ${n(s.unavailableReplicas)} | ${cond(o, 'Available')} | ${cond(o, 'Progressing')}`;
}

/** spec.replicas → status replicas, ready, available. */
export function replicaSetState(o: any): string {
  const s = o.status ?? {};
  return `${n(o.spec?.replicas)} -> ${n(s.replicas)} ${n(s.readyReplicas)} ${n(s.availableReplicas)}`;
}

export function endpointsState(o: any): string {
  let ready = 0;
  let notReady = 0;
  for (const s of o.subsets ?? []) {
    ready += (s.addresses ?? []).length;
    notReady += (s.notReadyAddresses ?? []).length;
  }
  return `ready ${ready} notReady ${notReady}`;
}

export function endpointSliceState(o: any): string {
  const eps: any[] = o.endpoints ?? [];
  const c = (k: string): number => eps.filter((e) => e.conditions?.[k]).length;
  return `endpoints ${eps.length} ready ${c('ready')} serving ${c('serving')} terminating ${c('terminating')}`;
}

export function collapse(seq: string[]): string[] {
  return seq.filter((s, i) => i === 0 || s !== seq[i - 1]);
}

/**
 * Sequences per logical object: the Deployment, replica sets by creation order (their names carry a hash that
 * differs between clusters), the Endpoints and the EndpointSlice.
 */
export function projectEvents(events: { resource: string; type: string; object: any }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const rsOrdinal = new Map<string, number>();
  const push = (k: string, v: string): void => {
    let a = out.get(k);
    if (!a) out.set(k, (a = []));
    a.push(v);
  };
  for (const e of events) {
    const o = e.object;
    switch (e.resource) {
      case 'deployments':
        if (e.type !== 'DELETED') push('deployment', deploymentState(o));
        break;
      case 'replicasets': {
        if (!rsOrdinal.has(o.metadata.name)) rsOrdinal.set(o.metadata.name, rsOrdinal.size + 1);
        if (e.type !== 'DELETED') push(`replicaset#${rsOrdinal.get(o.metadata.name)}`, replicaSetState(o));
        break;
      }
      case 'endpoints':
        if (e.type !== 'DELETED') push('endpoints', endpointsState(o));
        break;
      case 'endpointslices':
        if (e.type !== 'DELETED') push('endpointslice', endpointSliceState(o));
        break;
      default:
        break;
    }
  }
  for (const [k, v] of out) out.set(k, collapse(v));
  return out;
}

const structural = (s: string): string => {
  // Everything but readyReplicas, availableReplicas, unavailableReplicas (positions 3..5).
  const [nums, ...rest] = s.split(' | ');
  const p = nums!.split(' ');
  return [p[0], p[1], p[2], ...rest].join(' | ');
};

const counterValues = (s: string): number[] => s.split(' | ')[0]!.split(' ').slice(3).map(Number);

export interface Run {
  key: string;
  first: string;
  states: string[];
}

/** Maximal runs of states that differ only in the ready/available/unavailable counters. */
export function deploymentRuns(seq: string[]): Run[] {
  const runs: Run[] = [];
  for (const s of seq) {
    const k = structural(s);
    const last = runs[runs.length - 1];
    if (last && last.key === k) last.states.push(s);
    else runs.push({ key: k, first: s, states: [s] });
  }
  return runs;
}

/**
 * The benign differences the traces show, removed from both sides before comparing:
 * - when two pods turn ready together a controller publishes one state instead of two, so within a run of
 *   states that differ only in ready/available/unavailable counters only the run itself is compared;
 * - right after a new ReplicaSet is created, the Deployment's next status may or may not already count the new
 *   ReplicaSet's first pod (the deployment controller's conflict retry races the ReplicaSet controller):
 *   rolling-update.ndjson publishes "5 replicas, 1 updated, NewReplicaSetCreated" and then ReplicaSetUpdated,
 *   progress-deadline.ndjson publishes "4 replicas, 0 updated, NewReplicaSetCreated" and then ReplicaSetUpdated.
 *   A NewReplicaSetCreated run of the new generation directly followed by a ReplicaSetUpdated run of the same
 *   generation whose first state has exactly 1 updated replica is dropped, whichever of the two it is.
 */
export function coreDeploymentSequence(seq: string[]): string[] {
  const runs = deploymentRuns(seq).filter((r, i, all) => {
    const next = all[i + 1];
    if (!next || !r.key.endsWith('True/NewReplicaSetCreated') || !next.key.endsWith('True/ReplicaSetUpdated')) return true;
    const [g] = r.first.split(' ');
    const [g2, , updated2] = next.first.split(' ');
    return g !== g2 || updated2 !== '1';
  });
  return collapse(runs.map((r) => r.key)).concat(seq.length ? [`final: ${seq[seq.length - 1]}`] : []);
}

/** Within every run the counters move one way: ready/available up and unavailable down, or all the other way. */
export function countersMonotone(seq: string[]): string[] {
  const problems: string[] = [];
  for (const r of deploymentRuns(seq)) {
    let dir = 0;
    for (let i = 1; i < r.states.length; i++) {
      const a = counterValues(r.states[i - 1]!);
      const b = counterValues(r.states[i]!);
      const d = Math.sign(b[0]! - a[0]!) || Math.sign(b[1]! - a[1]!) || -Math.sign(b[2]! - a[2]!);
      if (dir !== 0 && d !== 0 && d !== dir) problems.push(`counters reversed in run "${r.key}": ${r.states[i - 1]} → ${r.states[i]}`);
      if (d !== 0) dir = d;
    }
  }
  return problems;
}

/** For a replica set: intermediate ready/available steps may be merged (same reason as for the Deployment). */
export function coreReplicaSetSequence(seq: string[]): string[] {
  const key = (s: string): string => s.split(' ').slice(0, 3).join(' ');
  return collapse(seq.map(key)).concat(seq.length ? [`final: ${seq[seq.length - 1]}`] : []);
}
