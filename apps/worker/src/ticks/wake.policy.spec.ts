import { describe, expect, it } from 'vitest';
import { backoffMs, MAX_BACKOFF_MS, nextWake, retryAt, scheduledWake } from './wake.policy';

describe('wake policy', () => {
  it('after a tick: ended sleeps, an already-true effect looks again now, else the machine timer', () => {
    expect(nextWake({ terminal: true, machineWakeAt: 5_000, alreadyTrue: 2 }, 1_000)).toBeNull();
    expect(nextWake({ terminal: false, machineWakeAt: 5_000, alreadyTrue: 1 }, 1_000)).toBe(1_000);
    expect(nextWake({ terminal: false, machineWakeAt: 5_000, alreadyTrue: 0 }, 1_000)).toBe(5_000);
    expect(nextWake({ terminal: false, machineWakeAt: null, alreadyTrue: 0 }, 1_000)).toBeNull();
  });

  it('schedules only ticks that ran to the end', () => {
    expect(scheduledWake({ status: 'committed', wakeAt: 7 })).toBe(7);
    expect(scheduledWake({ status: 'unchanged', wakeAt: 8 })).toBe(8);
    expect(scheduledWake({ status: 'deferred', wakeAt: 9 })).toBe(9);
    expect(scheduledWake({ status: 'committed', wakeAt: null })).toBeNull();
    expect(scheduledWake({ status: 'stale' })).toBeNull();
    expect(scheduledWake({ status: 'idle' })).toBeNull();
  });

  it('backs failed ticks off exponentially from 500 ms, capped at 30 s', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([500, 1_000, 2_000, 4_000]);
    expect(backoffMs(20)).toBe(MAX_BACKOFF_MS);
    expect(retryAt(2, 10_000)).toBe(11_000);
  });
});
