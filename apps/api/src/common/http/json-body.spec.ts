import { describe, expect, it } from 'vitest';
import { serializeOnce } from './json-body';

describe('serializeOnce', () => {
  it('serialises like JSON.stringify, objects as UTF-8 bytes', () => {
    const body = { at: new Date(0), items: [1, 'a', null], nested: { ok: true, text: 'héllo ✓' } };
    const bytes = serializeOnce(body);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes.toString()).toBe(JSON.stringify(body));
    expect(bytes.length).toBe(Buffer.byteLength(JSON.stringify(body)));
    expect(serializeOnce(null)).toBe('null');
    expect(serializeOnce(3)).toBe('3');
    expect(serializeOnce('text')).toBe('"text"');
  });

  it('reuses the bytes for the same object and serialises a new one afresh', () => {
    const cached = { items: ['a'] };
    const first = serializeOnce(cached);
    cached.items.push('mutated after serialisation: a cached value must not be');
    expect(serializeOnce(cached)).toBe(first);
    expect(serializeOnce({ items: ['b'] }).toString()).toBe('{"items":["b"]}');
  });
});
