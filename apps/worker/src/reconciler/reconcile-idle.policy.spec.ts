import { describe, expect, it } from 'vitest';
import { idleByOwnDecision } from './reconcile-idle.policy';

const NOW = Date.UTC(2026, 11, 7, 9, 30);
const MIN = 60_000;
const held = { heldWithoutTimer: true, pendingCommands: 0, unfinishedEffects: 0, updatedAt: new Date(NOW - 2 * MIN) };

describe('idleByOwnDecision', () => {
  it('held with no timer, nothing pending, committed recently: skipped', () => {
    expect(idleByOwnDecision(held, undefined, NOW, 10 * MIN)).toBe(true);
  });

  it.each([
    ['not held (or held with a timer)', { heldWithoutTimer: false }],
    ['a pending command (its wake may have been lost)', { pendingCommands: 1 }],
    ['an unfinished effect', { unfinishedEffects: 2 }],
  ])('%s: woken', (_why, change) => {
    expect(idleByOwnDecision({ ...held, ...change }, undefined, NOW, 10 * MIN)).toBe(false);
  });

  it('not looked at for the recheck period: woken once, then skipped again for another period', () => {
    const old = { ...held, updatedAt: new Date(NOW - 30 * MIN) };
    expect(idleByOwnDecision(old, undefined, NOW, 10 * MIN)).toBe(false);
    expect(idleByOwnDecision(old, NOW - 11 * MIN, NOW, 10 * MIN)).toBe(false);
    expect(idleByOwnDecision(old, NOW - 30_000, NOW, 10 * MIN)).toBe(true);
  });

  it('the boundary: exactly the recheck period old is due', () => {
    expect(idleByOwnDecision({ ...held, updatedAt: new Date(NOW - 10 * MIN) }, undefined, NOW, 10 * MIN)).toBe(false);
  });
});
