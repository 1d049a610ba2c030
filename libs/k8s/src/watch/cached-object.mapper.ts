// What the watch cache keeps of an object: the fields ticks read (observation.mapper.ts) and effects compare against
// (kube.gateway.ts: spec hash, replicas, paused, update strategy, Service selector, hook attempt), nothing else.
// A 10,000-rollout worker holds ~50,000 objects; a pod's template, a Deployment's pod template, managedFields and
// kubectl's last-applied-configuration are most of their bytes and no tick reads them (bench:hold, BENCHMARKS.md).
import type { KubeObject } from '../manifests/manifest.types';
import type { OwnedObjects } from '../observe/observation.mapper';

type WatchedKind = keyof OwnedObjects;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Annotations of objects Cutover replaces longer than this are dropped from the cache (and re-read before a replace). */
export const MAX_CACHED_ANNOTATION_LENGTH = 256;

/** Objects whose cached copy lost annotations: replacing one must read it first, or the PUT would drop them. */
const droppedAnnotations = new WeakSet<KubeObject>();

/** True when the cached object lacks annotations the cluster's object has (see `trimForCache`). */
export function lostAnnotations(o: KubeObject): boolean {
  return droppedAnnotations.has(o);
}

/** Copies the listed keys that are present (undefined stays absent). */
function pick(from: unknown, keys: readonly string[]): Obj | undefined {
  if (!isObj(from)) return undefined;
  const out: Obj = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

function pickEach(from: unknown, keys: readonly string[]): Obj[] | undefined {
  return Array.isArray(from) ? from.map((x) => pick(x, keys) ?? {}) : undefined;
}

const CONDITION = ['type', 'status', 'reason', 'message'] as const;

function containerStatus(s: unknown): Obj {
  if (!isObj(s)) return {};
  const out = pick(s, ['name', 'ready', 'restartCount'])!;
  if (isObj(s.state)) {
    const state: Obj = {};
    if (s.state.running !== undefined) state.running = {};
    if (s.state.terminated !== undefined) state.terminated = pick(s.state.terminated, ['reason', 'exitCode']) ?? {};
    if (s.state.waiting !== undefined) state.waiting = pick(s.state.waiting, ['reason']) ?? {};
    out.state = state;
  }
  if (isObj(s.lastState) && isObj(s.lastState.terminated)) out.lastState = { terminated: pick(s.lastState.terminated, ['exitCode']) };
  return out;
}

function spec(kind: WatchedKind, o: KubeObject): Obj | undefined {
  switch (kind) {
    case 'deployments':
      return pick(o.spec, ['replicas', 'paused', 'strategy', 'minReadySeconds', 'progressDeadlineSeconds']);
    case 'pods':
      return o.spec && { initContainers: pickEach(o.spec.initContainers, ['name']), containers: pickEach(o.spec.containers, ['name']) };
    case 'services':
      return pick(o.spec, ['selector']);
    case 'jobs':
      return undefined;
    case 'ingresses':
    case 'httproutes':
      return o.spec;
  }
}

function status(kind: WatchedKind, o: KubeObject): Obj | undefined {
  const s = o.status;
  if (!isObj(s)) return undefined;
  switch (kind) {
    case 'deployments':
      return { ...pick(s, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']), conditions: pickEach(s.conditions, CONDITION) };
    case 'pods':
      return {
        phase: s.phase,
        conditions: pickEach(s.conditions, ['type', 'status']),
        initContainerStatuses: Array.isArray(s.initContainerStatuses) ? s.initContainerStatuses.map(containerStatus) : undefined,
        containerStatuses: Array.isArray(s.containerStatuses) ? s.containerStatuses.map(containerStatus) : undefined,
      };
    case 'jobs':
      return { ...pick(s, ['active', 'succeeded', 'failed']), conditions: pickEach(s.conditions, CONDITION) };
    case 'services':
    case 'ingresses':
    case 'httproutes':
      return undefined;
  }
}

/** JSON without the undefined members (JSON.stringify drops them anyway; a cache should not hold them). */
function compact<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * The part of `o` the cache keeps. Pods: only Cutover's annotations (pods are never written by Cutover). Other kinds:
 * every annotation up to MAX_CACHED_ANNOTATION_LENGTH characters, so a replace keeps what others set; an object that
 * lost longer ones (kubectl's last-applied-configuration) is marked, and the gateway reads it before replacing it.
 */
export function trimForCache(kind: WatchedKind, o: KubeObject, def: { apiVersion: string; kind: string }): KubeObject {
  const m = o.metadata;
  let annotations: Record<string, string> | undefined;
  let dropped = false;
  if (m.annotations) {
    annotations = {};
    for (const [k, v] of Object.entries(m.annotations)) {
      const keep = kind === 'pods' ? k.startsWith('cutover.dev/') : typeof v === 'string' && v.length <= MAX_CACHED_ANNOTATION_LENGTH;
      if (keep) annotations[k] = v;
      else dropped = true;
    }
  }
  const metadata = compact({
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    resourceVersion: m.resourceVersion,
    generation: m.generation,
    labels: m.labels,
    annotations,
    deletionTimestamp: m.deletionTimestamp,
  });
  const s = spec(kind, o);
  const st = status(kind, o);
  const out: KubeObject = { apiVersion: def.apiVersion, kind: def.kind, metadata };
  if (s) out.spec = compact(s);
  if (st) out.status = compact(st);
  if (dropped && kind !== 'pods') droppedAnnotations.add(out);
  return out;
}
