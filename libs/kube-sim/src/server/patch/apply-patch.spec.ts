import { describe, expect, it } from 'vitest';
import { removalPatch } from './apply-patch';

describe('removalPatch', () => {
  it('nulls dropped keys and deletes dropped keyed list items', () => {
    const prev = { metadata: { labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'web', image: 'w', env: [{ name: 'X', value: '1' }] }, { name: 'side', image: 's' }] } };
    const next = { metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'web', image: 'w' }] } };
    expect(removalPatch(prev, next)).toEqual({
      metadata: { labels: { b: null } },
      spec: { containers: [{ env: null, name: 'web' }, { name: 'side', $patch: 'delete' }] },
    });
    expect(removalPatch(next, next)).toBeUndefined();
    expect(removalPatch(undefined, next)).toBeUndefined();
  });
});
