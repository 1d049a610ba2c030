import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditEntryHash, canonicalJson, digestInput, GENESIS_HASH, redactSecrets, sha256Hex } from './audit.digest';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('writes BigInt, Date and bytes in a fixed text form', () => {
    expect(canonicalJson({ n: 12n, at: new Date('2026-01-02T03:04:05.006Z'), b: Buffer.from('hi') })).toBe(
      '{"at":"2026-01-02T03:04:05.006Z","b":"aGk=","n":"12"}',
    );
  });

  it('refuses what JSON cannot hold instead of changing it', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/JSON/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/JSON/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/circular/);
  });

  it('keeps a "__proto__" key as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"a":1},"b":2}'))).toBe('{"__proto__":{"a":1},"b":2}');
  });

  it('is the same text whatever order the keys were inserted in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(dict));
        expect(JSON.parse(canonicalJson(dict))).toEqual(JSON.parse(JSON.stringify(dict)));
      }),
    );
  });
});

describe('digestInput', () => {
  const cluster = (secret: string) => ({
    name: 'prod',
    credentials: { Token: secret, caData: `ca-${secret}`, insecureSkipTlsVerify: false },
    kubeconfig: `apiVersion: v1 # ${secret}`,
    nested: [{ password: secret, user: 'me' }],
  });

  it('does not depend on secret values (so a secret cannot be recovered from it)', () => {
    expect(digestInput(cluster('s3cr3t-one'))).toBe(digestInput(cluster('another-secret')));
  });

  it('depends on every non-secret value', () => {
    expect(digestInput({ ...cluster('x'), name: 'staging' })).not.toBe(digestInput(cluster('x')));
  });

  it('replaces secret values case-insensitively at any depth and leaves absent ones alone', () => {
    expect(redactSecrets({ a: { TOKEN: 't', keep: 1 }, list: [{ clientKey: 'k' }], password: null })).toEqual({
      a: { TOKEN: '[redacted]', keep: 1 },
      list: [{ clientKey: '[redacted]' }],
      password: null,
    });
    expect(digestInput({ token: 'x' }, [])).toBe(sha256Hex('{"token":"x"}'));
  });
});

describe('auditEntryHash', () => {
  const fields = {
    seq: 1n,
    at: new Date('2026-11-30T00:00:00.000Z'),
    actorTokenId: null,
    actorName: 'alice',
    action: 'token.create',
    resourceType: 'token',
    resourceId: 't-1',
    requestId: null,
    interface: 'rest',
    clientAddress: null,
    inputDigest: null,
    outcome: 'success',
    statusCode: 201,
    reason: null,
    prevHash: GENESIS_HASH,
    app: 'shop',
    environment: 'prod',
    version: '1.2.0',
    cluster: 'eu-1',
  };

  it('changes when any field or the previous hash changes', () => {
    const base = auditEntryHash(fields);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const variants = [
      { seq: 2n },
      { at: new Date('2026-11-30T00:00:00.001Z') },
      { actorTokenId: '00000000-0000-0000-0000-000000000000' },
      { actorName: 'bob' },
      { action: 'token.revoke' },
      { resourceType: 'cluster' },
      { resourceId: null },
      { app: 'shop2' },
      { environment: null },
      { version: '1.2.1' },
      { cluster: 'eu-2' },
      { requestId: 'r' },
      { interface: 'graphql' },
      { clientAddress: '10.0.0.1' },
      { inputDigest: 'f'.repeat(64) },
      { outcome: 'denied' },
      { statusCode: 403 },
      { reason: 'x' },
      { prevHash: 'f'.repeat(64) },
    ];
    const hashes = variants.map((change) => auditEntryHash({ ...fields, ...change }));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });

  it('cannot be fooled by moving text between adjacent fields', () => {
    expect(auditEntryHash({ ...fields, actorName: 'ab', action: 'c' })).not.toBe(auditEntryHash({ ...fields, actorName: 'a', action: 'bc' }));
  });
});
