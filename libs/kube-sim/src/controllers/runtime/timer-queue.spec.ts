import { describe, expect, it } from 'vitest';
import { SimClock } from './sim-clock';
import { TimerQueue } from './timer-queue';

function until(pred: () => boolean, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = (): void => {
      if (pred()) resolve();
      else if (Date.now() > deadline) reject(new Error('condition not met'));
      else setImmediate(check);
    };
    check();
  });
}

/** A SimClock that can be held still while a test schedules, so a CPU stall between two `after` calls (10 ms of
 * wall time is a simulated second at scale 100) cannot reorder what the test means to schedule at one moment. */
class HeldClock extends SimClock {
  held: number | undefined;
  override now(): number {
    return this.held ?? super.now();
  }
}

describe('TimerQueue', () => {
  it('runs actions in simulated-time order, scaled to wall time, and skips cancelled ones', async () => {
    const clock = new HeldClock(100);
    const q = new TimerQueue(clock);
    const ran: string[] = [];
    const started = Date.now();
    clock.held = clock.now();
    q.after(3_000, () => ran.push('c'));
    q.after(1_000, () => ran.push('a'));
    const b = q.after(2_000, () => ran.push('b'));
    q.after(2_000, () => ran.push('b2'));
    b.cancel();
    clock.held = undefined;
    await until(() => ran.length === 3);
    expect(ran).toEqual(['a', 'b2', 'c']);
    // 3 simulated seconds at time scale 100: about 30 ms of wall time.
    expect(Date.now() - started).toBeLessThan(1_000);
    q.stop();
  });

  it('holds due actions while the gate is closed and releases them on kick', async () => {
    const q = new TimerQueue(new SimClock(100));
    let open = false;
    q.gate = () => open;
    const ran: number[] = [];
    q.after(100, () => ran.push(1));
    // Proving an absence needs some time to pass: 20 ms is twice the action's due time at this scale.
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual([]);
    open = true;
    q.kick();
    await until(() => ran.length === 1);
    q.stop();
  });
});
