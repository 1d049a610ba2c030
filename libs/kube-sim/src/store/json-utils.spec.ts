import { describe, expect, it } from 'vitest';
import { deepEqual, deepFreeze, shareUnchanged } from './json-utils';

describe('shareUnchanged', () => {
  it('returns the previous value when equal, else shares the equal subtrees', () => {
    const prev = deepFreeze({ spec: { a: [1, { b: 2 }] }, status: { n: 1, c: [{ t: 'x' }] } });
    expect(shareUnchanged({ spec: { a: [1, { b: 2 }] }, status: { n: 1, c: [{ t: 'x' }] } }, prev, 4)).toBe(prev);
    const next = shareUnchanged({ spec: { a: [1, { b: 2 }] }, status: { n: 2, c: [{ t: 'x' }] } }, prev, 4);
    expect(next).not.toBe(prev);
    expect(next.spec).toBe(prev.spec);
    expect(next.status.c).toBe(prev.status.c);
    expect(next.status.n).toBe(2);
    expect(deepEqual(next, { spec: { a: [1, { b: 2 }] }, status: { n: 2, c: [{ t: 'x' }] } })).toBe(true);
  });

  it('notices removed keys', () => {
    const prev = deepFreeze({ a: 1, b: 2 });
    const next = shareUnchanged({ a: 1 } as { a: number; b?: number }, prev, 4);
    expect(next).not.toBe(prev);
    expect(next).toEqual({ a: 1 });
  });
});
