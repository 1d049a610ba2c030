// Small helpers of the store: names, timestamps, keys, generation rules.
import type { ResourceDef } from './resources';
import type { KubeObject, ResourceKey } from './store.types';
import { deepEqual } from './json-utils';

/** Sorted names per name-map, dropped when a name is added or removed (updates keep it), so lists do not sort every time. */
export const sortedNames = new WeakMap<Map<string, KubeObject>, string[]>();

export function namesOf(byName: Map<string, KubeObject>): string[] {
  let names = sortedNames.get(byName);
  if (!names) sortedNames.set(byName, (names = [...byName.keys()].sort()));
  return names;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return s;
}

/** "2026-11-29T22:53:49Z": Kubernetes timestamps have second precision. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}


/** A copy that shares everything with `o` except a fresh (shallow) metadata object, for metadata-only changes. */
export function shallowWithMeta(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...o.metadata } };
}

export function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function parseId(id: string): Pick<ResourceKey, 'group' | 'resource'> {
  const slash = id.lastIndexOf('/');
  return slash < 0 ? { group: '', resource: id } : { group: id.slice(0, slash), resource: id.slice(slash + 1) };
}

export function fieldLabelsOf(def: ResourceDef): string[] {
  return ['metadata.name', 'metadata.namespace', ...(def.fieldLabels ?? [])];
}

export function specChanged(def: ResourceDef, obj: KubeObject, old: KubeObject): boolean {
  if (!def.crdGeneration) return !deepEqual(obj.spec, old.spec);
  for (const k of new Set([...Object.keys(obj), ...Object.keys(old)])) {
    if (k === 'metadata' || k === 'status') continue;
    if (!deepEqual(obj[k], old[k])) return true;
  }
  return false;
}
