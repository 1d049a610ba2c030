import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, looksLikeToken, tokenPrefix } from './api-token';
import { SecretBox, SecretBoxError } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, text, bytes and JSON alike', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(box.openText(box.seal(text))).toBe(text);
      }),
    );
    const bytes = randomBytes(100);
    expect(box.open(box.seal(bytes)).equals(bytes)).toBe(true);
    expect(box.openJson(box.sealJson({ token: 't', caData: 'c', insecureSkipTlsVerify: false }))).toEqual({ token: 't', caData: 'c', insecureSkipTlsVerify: false });
  });

  it('writes a version byte, a fresh IV every time and never the plaintext', () => {
    const a = box.seal('kubeconfig-secret');
    const b = box.seal('kubeconfig-secret');
    expect(a[0]).toBe(1);
    expect(a.length).toBe(1 + 12 + 16 + 'kubeconfig-secret'.length);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(a.includes(Buffer.from('kubeconfig-secret'))).toBe(false);
  });

  it('refuses a box with any byte altered', () => {
    const sealed = box.seal('the credentials');
    for (let i = 1; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i]! ^= 0x01;
      expect(() => box.open(tampered)).toThrow(SecretBoxError);
    }
    const wrongVersion = Buffer.from(sealed);
    wrongVersion[0] = 9;
    expect(() => box.open(wrongVersion)).toThrow(/version 9/);
    expect(() => box.open(sealed.subarray(0, 20))).toThrow(/truncated/);
  });

  it('refuses to open with another key', () => {
    const sealed = box.seal('the credentials');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/wrong key or altered/);
  });

  it('binds a box to its associated data', () => {
    const sealed = box.seal('creds', 'cluster-1');
    expect(box.openText(sealed, 'cluster-1')).toBe('creds');
    expect(() => box.open(sealed, 'cluster-2')).toThrow(SecretBoxError);
    expect(() => box.open(sealed)).toThrow(SecretBoxError);
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});

describe('API tokens', () => {
  it('generates cut_ + 43 base62 characters, never the same twice', () => {
    const tokens = Array.from({ length: 200 }, generateToken);
    for (const token of tokens) expect(token).toMatch(/^cut_[0-9A-Za-z]{43}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every(looksLikeToken)).toBe(true);
    expect(looksLikeToken('cut_short')).toBe(false);
  });

  it('uses the whole base62 alphabet', () => {
    const seen = new Set(Array.from({ length: 100 }, generateToken).join('').replace(/cut_/g, ''));
    expect(seen.size).toBe(62);
  });

  it('hashes with sha256 hex and shows a short prefix', () => {
    expect(hashToken('cut_abc')).toBe('b6a8b5560354905211076043c852b7cfd8383914c077c8e3792286c178c58948');
    expect(hashToken('cut_abc')).not.toBe(hashToken('cut_abd'));
    expect(tokenPrefix('cut_0123456789abcdef')).toBe('cut_01234567');
  });
});
