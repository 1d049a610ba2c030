// application/strategic-merge-patch+json for the types the simulator serves: lists with a patchMergeKey merge by key,
// `$patch: replace|delete`, `$retainKeys`, `$deleteFromPrimitiveList/<f>` and `$setElementOrder/<f>` (kubectl apply) directives.
import { deepClone, isPlainObject } from '../../store/json-utils';

type Obj = Record<string, unknown>;

/** patchMergeKey by field name, as the Kubernetes Go types declare them (ports depends on the list's owner). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  taints: 'key',
  addresses: 'type',
};

/** Lists of scalars with patchStrategy=merge: union instead of replace. */
const PRIMITIVE_MERGE = new Set(['finalizers']);

export class StrategicPatchError extends Error {}

function mergeKeyFor(field: string, patchList: unknown[], origList: unknown): string | undefined {
  if (field === 'ports') {
    const sample = [...patchList, ...(Array.isArray(origList) ? origList : [])].find(isPlainObject) as Obj | undefined;
    if (!sample) return undefined;
    return 'containerPort' in sample ? 'containerPort' : 'port' in sample ? 'port' : undefined;
  }
  return MERGE_KEYS[field];
}

export function applyStrategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return deepClone(patch);
  return mergeMap(isPlainObject(original) ? original : {}, patch);
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isPlainObject(x) && '$patch' in x && Object.keys(x).length === 1)).map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/')) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function mergeMap(orig: Obj, patch: Obj): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(deepClone(patch)) as Obj;
  if (directive !== undefined) throw new StrategicPatchError(`Unknown patch type: ${String(directive)}`);
  const out: Obj = { ...orig };
  const orders: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) { if (Array.isArray(v)) orders.push([k.slice('$setElementOrder/'.length), v]); continue; }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f]) && Array.isArray(v)) {
        out[f] = (out[f] as unknown[]).filter((x) => !v.includes(x));
        if ((out[f] as unknown[]).length === 0) delete out[f];
      }
      continue;
    }
    if (v === null) { delete out[k]; continue; }
    if (Array.isArray(v)) {
      const key = mergeKeyFor(k, v, out[k]);
      if (key) out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v, key);
      else if (PRIMITIVE_MERGE.has(k)) out[k] = [...new Set([...(Array.isArray(out[k]) ? (out[k] as unknown[]) : []), ...v])];
      else out[k] = stripDirectives(deepClone(v));
      continue;
    }
    if (isPlainObject(v)) {
      const merged = mergeMap(isPlainObject(out[k]) ? (out[k] as Obj) : {}, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
      continue;
    }
    out[k] = v;
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  for (const [f, order] of orders) if (Array.isArray(out[f])) out[f] = applyOrder(out[f] as unknown[], order, f);
  return out;
}

function mergeList(orig: unknown[], patch: unknown[], key: string): unknown[] {
  if (patch.some((x) => isPlainObject(x) && x.$patch === 'replace')) {
    return stripDirectives(patch.filter((x) => !(isPlainObject(x) && x.$patch === 'replace'))) as unknown[];
  }
  const out = orig.map((x) => x);
  for (const item of patch) {
    if (!isPlainObject(item)) { out.push(item); continue; }
    const k = item[key];
    const idx = out.findIndex((o) => isPlainObject(o) && o[key] === k);
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as Obj, item);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(stripDirectives(deepClone(item)));
    }
  }
  return out;
}

/** `$setElementOrder`: the listed elements come first, in that order; others keep their relative order after them. */
function applyOrder(list: unknown[], order: unknown[], field: string): unknown[] {
  const key = mergeKeyFor(field, list, undefined);
  const idOf = (x: unknown) => (key && isPlainObject(x) ? x[key] : x);
  const orderIds = order.map((o) => (key && isPlainObject(o) ? o[key] : o));
  const ranked = list.map((x, i) => ({ x, i, r: orderIds.indexOf(idOf(x)) }));
  ranked.sort((a, b) => {
    const ra = a.r < 0 ? Infinity : a.r;
    const rb = b.r < 0 ? Infinity : b.r;
    return ra !== rb ? ra - rb : a.i - b.i;
  });
  return ranked.map((e) => e.x);
}
