import { describe, expect, it } from 'vitest';
import { MAX_INPUT_DEPTH, findUnsafeInput } from './unsafe-input';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = [value];
  return value;
}

describe('findUnsafeInput', () => {
  it('passes ordinary documents, including astral characters and newlines', () => {
    expect(findUnsafeInput({ name: 'checkout', description: 'multi\nline 🚀 ünïcode', labels: { team: 'a' }, list: [1, 'x', null, true] })).toBeUndefined();
    expect(findUnsafeInput('plain', 'name')).toBeUndefined();
    expect(findUnsafeInput(nested(MAX_INPUT_DEPTH - 1))).toBeUndefined();
  });

  it('names the field holding a NUL character', () => {
    expect(findUnsafeInput({ name: 'x', description: 'a\u0000b' })).toMatchObject({ path: 'description', rule: 'noNulCharacter' });
    expect(findUnsafeInput('\u0000', 'name')).toMatchObject({ path: 'name', rule: 'noNulCharacter' });
    expect(findUnsafeInput({ podSpec: { containers: [{ image: 'x' }, { image: 'y\u0000' }] } })).toMatchObject({ path: 'podSpec.containers[1].image' });
  });

  it('refuses lone surrogates in values and keys', () => {
    expect(findUnsafeInput({ image: '\ud800' })).toMatchObject({ path: 'image', rule: 'wellFormedUnicode' });
    expect(findUnsafeInput({ image: 'a\udc00' })).toMatchObject({ rule: 'wellFormedUnicode' });
    expect(findUnsafeInput({ labels: { '\ud800': 'v' } })).toMatchObject({ rule: 'wellFormedUnicode' });
  });

  it('refuses absurd nesting without overflowing its own stack', () => {
    expect(findUnsafeInput({ labels: nested(10_000) })).toMatchObject({ rule: 'maxDepth' });
    expect(findUnsafeInput(nested(MAX_INPUT_DEPTH + 1))).toMatchObject({ rule: 'maxDepth' });
  });
});
