// Unknown-field detection for fieldValidation=Strict|Warn, for the parts of objects whose schema is small and stable.
// Anything not described here is accepted as-is (better to miss an unknown field than to reject a valid one).
import type { ResourceDef } from '../store/resources';

type Schema = { [field: string]: Schema | true };

const META: Schema = {
  name: true, generateName: true, namespace: true, selfLink: true, uid: true, resourceVersion: true, generation: true,
  creationTimestamp: true, deletionTimestamp: true, deletionGracePeriodSeconds: true, labels: true, annotations: true,
  ownerReferences: true, finalizers: true, managedFields: true,
};

const TOP: Schema = { apiVersion: true, kind: true, metadata: META, spec: true, status: true };

const SPECS: Record<string, Schema> = {
  'apps/deployments': {
    replicas: true, selector: true, template: true, strategy: { type: true, rollingUpdate: { maxSurge: true, maxUnavailable: true } },
    minReadySeconds: true, revisionHistoryLimit: true, paused: true, progressDeadlineSeconds: true,
  },
  'apps/replicasets': { replicas: true, minReadySeconds: true, selector: true, template: true },
  'batch/jobs': {
    parallelism: true, completions: true, activeDeadlineSeconds: true, podFailurePolicy: true, successPolicy: true, backoffLimit: true,
    backoffLimitPerIndex: true, maxFailedIndexes: true, selector: true, manualSelector: true, template: true,
    ttlSecondsAfterFinished: true, completionMode: true, suspend: true, podReplacementPolicy: true, managedBy: true,
  },
};

const EXTRA_TOP: Record<string, string[]> = {
  configmaps: ['data', 'binaryData', 'immutable'],
  secrets: ['data', 'stringData', 'type', 'immutable'],
  endpoints: ['subsets'],
  events: ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'series',
    'action', 'related', 'reportingComponent', 'reportingInstance'],
  'discovery.k8s.io/endpointslices': ['addressType', 'endpoints', 'ports'],
  'events.k8s.io/events': ['eventTime', 'series', 'reportingController', 'reportingInstance', 'action', 'reason', 'regarding', 'related',
    'note', 'type', 'deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount'],
};

function unknownIn(value: unknown, schema: Schema, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const sub = schema[k];
    const p = path ? `${path}.${k}` : k;
    if (sub === undefined) out.push(p);
    else if (sub !== true) unknownIn(v, sub, p, out);
  }
}

/** Dotted paths of fields the API type does not have, e.g. ["spec.bogusField"]. */
export function unknownFields(def: ResourceDef, obj: unknown): string[] {
  const id = def.group ? `${def.group}/${def.resource}` : def.resource;
  if (id === 'gateway.networking.k8s.io/httproutes') return [];
  const top: Schema = { ...TOP };
  for (const f of EXTRA_TOP[id] ?? []) top[f] = true;
  if (SPECS[id]) top.spec = SPECS[id];
  const out: string[] = [];
  unknownIn(obj, top, '', out);
  return out;
}

/** Removes the given dotted paths (Warn mode drops unknown fields, as decoding into Go structs does). */
export function dropFields(obj: unknown, paths: string[]): void {
  for (const p of paths) {
    const parts = p.split('.');
    let cur = obj as Record<string, unknown> | undefined;
    for (const part of parts.slice(0, -1)) cur = cur?.[part] as Record<string, unknown> | undefined;
    if (cur) delete cur[parts[parts.length - 1]];
  }
}
