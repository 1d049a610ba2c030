import { describe, expect, it } from 'vitest';
import { serializeOnce } from './json-body';

describe('serializeOnce', () => {
  it('serialises like JSON.stringify', () => {
    const body = { at: new Date(0), items: [1, 'a', null], nested: { ok: true } };
    expect(serializeOnce(body)).toBe(JSON.stringify(body));
    expect(serializeOnce(null)).toBe('null');
    expect(serializeOnce(3)).toBe('3');
  });

  it('reuses the text for the same object and serialises a new one afresh', () => {
    const cached = { items: ['a'] };
    const first = serializeOnce(cached);
    cached.items.push('mutated after serialisation: a cached value must not be');
    expect(serializeOnce(cached)).toBe(first);
    expect(serializeOnce({ items: ['b'] })).toBe('{"items":["b"]}');
  });
});
