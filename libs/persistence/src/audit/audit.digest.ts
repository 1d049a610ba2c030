import { createHash } from 'node:crypto';

/** The chain's first `prevHash`. */
export const GENESIS_HASH = '0'.repeat(64);

/** Keys whose values never reach an audit row, matched case-insensitively at any depth. */
export const DEFAULT_SECRET_KEYS: readonly string[] = [
  'kubeconfig',
  'token',
  'caData',
  'secret',
  'password',
  'clientKey',
  'clientKeyData',
  'clientCertificateData',
  'certificateAuthorityData',
  'credentials',
  'authorization',
  'apiKey',
  'privateKey',
];

const REDACTED = '[redacted]';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * JSON with object keys sorted at every depth, so equal values always serialise to equal text.
 * `undefined` properties are dropped (as JSON.stringify does), BigInt becomes a decimal string and a
 * Date its ISO form; anything else JSON cannot hold is refused rather than silently changed.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value, new Set()));
}

function normalise(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value !== 'object') throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
  if (seen.has(value)) throw new TypeError('canonicalJson: circular structure');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : normalise(item, seen)));
    // fromEntries defines own properties, so a "__proto__" key stays data instead of becoming a prototype.
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, normalise((value as Record<string, unknown>)[key], seen)]),
    );
  } finally {
    seen.delete(value);
  }
}

/** A copy of `input` with the values of secret keys replaced, at any depth. */
export function redactSecrets(input: unknown, secretKeys: readonly string[] = DEFAULT_SECRET_KEYS): unknown {
  const secret = new Set(secretKeys.map((key) => key.toLowerCase()));
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, secret.has(key.toLowerCase()) && item !== undefined && item !== null ? REDACTED : walk(item)]),
    );
  };
  return walk(input);
}

/** sha256 of the canonical input with secrets removed: what an audit row keeps of a request body. */
export function digestInput(input: unknown, secretKeys: readonly string[] = DEFAULT_SECRET_KEYS): string {
  return sha256Hex(canonicalJson(redactSecrets(input, secretKeys)));
}

/** Every field an audit row holds, as the hash covers them. */
export interface ChainedAuditFields {
  seq: bigint;
  at: Date;
  actorTokenId: string | null;
  actorName: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  app: string | null;
  environment: string | null;
  version: string | null;
  cluster: string | null;
  requestId: string | null;
  interface: string;
  clientAddress: string | null;
  inputDigest: string | null;
  outcome: string;
  statusCode: number | null;
  reason: string | null;
  prevHash: string;
}

/**
 * The entry's hash: sha256 over a fixed-order array of every field and the previous hash.
 * An array (not an object) so a field rename can never reorder the input; "v2" names the layout (v1 had no
 * resource names; migration 20261207025500_audit_resource_names re-hashed the chain in v2 with the same text).
 */
export function auditEntryHash(fields: ChainedAuditFields): string {
  return sha256Hex(
    JSON.stringify([
      'v2',
      fields.seq.toString(),
      fields.at.toISOString(),
      fields.actorTokenId,
      fields.actorName,
      fields.action,
      fields.resourceType,
      fields.resourceId,
      fields.app,
      fields.environment,
      fields.version,
      fields.cluster,
      fields.requestId,
      fields.interface,
      fields.clientAddress,
      fields.inputDigest,
      fields.outcome,
      fields.statusCode,
      fields.reason,
      fields.prevHash,
    ]),
  );
}
