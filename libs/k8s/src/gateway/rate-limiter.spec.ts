import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limiter';

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces the rest at qps', async () => {
    let now = 0;
    const bucket = new TokenBucket({ qps: 1000, burst: 5 }, () => now);
    const granted: number[] = [];
    const all = Array.from({ length: 8 }, (_, i) => bucket.take().then(() => granted.push(i)));
    await Promise.resolve();
    expect(granted).toEqual([0, 1, 2, 3, 4]);
    expect(bucket.waiting).toBe(3);
    expect(bucket.waitedMs).toBe(0);
    now = 3; // 3 ms at 1000 qps = 3 tokens
    await Promise.all(all);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The three paced requests each waited the 3 ms.
    expect(bucket.waitedMs).toBe(9);
  });

  it('never exceeds the burst after a long quiet period', async () => {
    let now = 0;
    const bucket = new TokenBucket({ qps: 10, burst: 2 }, () => now);
    now = 60_000;
    const granted: number[] = [];
    const third = bucket.take().then(() => granted.push(0)).then(() => bucket.take()).then(() => granted.push(1)).then(() => bucket.take()).then(() => granted.push(2));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(granted).toEqual([0, 1]);
    now += 100;
    await third;
    expect(granted).toEqual([0, 1, 2]);
  });
});
