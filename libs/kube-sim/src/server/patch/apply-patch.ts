// Simplified server-side apply: each field manager's last applied configuration is remembered, and a new apply removes
// what that manager applied before but no longer does (like kubectl's client-side three-way patch: this removal patch is
// applied first), then merges the new configuration strategically. No managedFields, no conflicts between managers.
import { isPlainObject } from '../../store/json-utils';

type Obj = Record<string, unknown>;

const LIST_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath', imagePullSecrets: 'name',
  conditions: 'type', ownerReferences: 'uid',
};

/** The deletions (`null`s and `$patch: delete` list items) needed to drop what `prev` had and `next` lacks. */
export function removalPatch(prev: unknown, next: unknown): Obj | undefined {
  if (!isPlainObject(prev)) return undefined;
  const nextObj = isPlainObject(next) ? next : {};
  const out: Obj = {};
  for (const [k, pv] of Object.entries(prev)) {
    const nv = nextObj[k];
    if (nv === undefined) {
      out[k] = null;
      continue;
    }
    if (isPlainObject(pv)) {
      const sub = removalPatch(pv, nv);
      if (sub) out[k] = sub;
    } else if (Array.isArray(pv) && Array.isArray(nv)) {
      const key = LIST_KEYS[k] ?? (k === 'ports' ? (pv.some((x) => isPlainObject(x) && 'containerPort' in x) ? 'containerPort' : 'port') : undefined);
      if (!key) continue;
      const items: unknown[] = [];
      for (const item of pv) {
        if (!isPlainObject(item)) continue;
        const match = nv.find((x) => isPlainObject(x) && x[key] === item[key]);
        if (!match) items.push({ [key]: item[key], $patch: 'delete' });
        else {
          const sub = removalPatch(item, match);
          if (sub) items.push({ ...sub, [key]: item[key] });
        }
      }
      if (items.length) out[k] = items;
    }
  }
  return Object.keys(out).length ? out : undefined;
}
