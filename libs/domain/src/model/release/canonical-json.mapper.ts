// Canonical JSON: object keys sorted (by UTF-16 code units), no whitespace, `undefined` members dropped, arrays in
// order. Two specs that mean the same thing serialise to the same bytes, so their sha256 (computed by the caller:
// hashing needs node:crypto, and this library stays pure) is the same, whatever key order a client or JSONB used.

export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonicalize(v)));
  if (value !== null && typeof value === 'object') {
    // A null prototype, so a `__proto__` key stays data.
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonicalize(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}
