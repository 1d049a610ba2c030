// Fast helpers for plain JSON values (objects from JSON.parse): the store clones, compares and freezes a lot of them.

export function deepClone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = deepClone(v[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = deepClone(x);
  }
  return out as T;
}

/** Structural equality of JSON values; `undefined` members count as absent, as they do once serialized. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    na++;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  let nb = 0;
  for (const k in bo) if (bo[k] !== undefined) nb++;
  return na === nb;
}

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k in v as Record<string, unknown>) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Structural sharing: returns `prev` when `next` equals it, else `next` with every equal subtree (down to `depth`
 * levels) replaced by the corresponding subtree of `prev`. Keeps many versions of an object (watch history) cheap,
 * since most writes touch a small part of it. `next` must be mutable; `prev` is typically frozen.
 */
export function shareUnchanged<T>(next: T, prev: T, depth: number): T {
  if ((next as unknown) === (prev as unknown)) return prev;
  if (depth <= 0 || next === null || prev === null || typeof next !== 'object' || typeof prev !== 'object') {
    return deepEqual(next, prev) ? prev : next;
  }
  if (Array.isArray(next)) {
    if (!Array.isArray(prev) || next.length !== prev.length) return next;
    let same = true;
    for (let i = 0; i < next.length; i++) {
      const s = shareUnchanged(next[i], prev[i], depth - 1);
      if (s !== prev[i]) same = false;
      next[i] = s;
    }
    return same ? prev : next;
  }
  if (Array.isArray(prev)) return next;
  const n = next as Record<string, unknown>;
  const p = prev as Record<string, unknown>;
  let same = true;
  let count = 0;
  for (const k in n) {
    if (n[k] === undefined) { delete n[k]; continue; }
    count++;
    const s = shareUnchanged(n[k], p[k], depth - 1);
    if (s !== p[k]) same = false;
    n[k] = s;
  }
  if (same) for (const k in p) if (p[k] !== undefined) count--;
  return same && count === 0 ? prev : next;
}
