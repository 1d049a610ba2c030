import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl, testRunId } from '@cutover/testing';
import { DeploymentQueue } from './deployment.queue';

describe('DeploymentQueue (real Redis, per-run prefix)', () => {
  let queue: DeploymentQueue;

  beforeAll(() => {
    queue = new DeploymentQueue({ redisUrl: testRedisUrl(), prefix: `${testRunId()}-queue-spec` });
  });

  afterAll(async () => {
    await queue.queue.obliterate({ force: true });
    await queue.close();
  });

  it('keeps one job per deployment however often it is woken', async () => {
    const id = randomUUID();
    await Promise.all(Array.from({ length: 10 }, () => queue.wake(id)));
    const waiting = await queue.queue.getJobs(['waiting', 'delayed']);
    expect(waiting.filter((j) => j.data.deploymentId === id)).toHaveLength(1);
    expect(await queue.hasJob(id)).toBe(true);
    expect(await queue.hasJob(randomUUID())).toBe(false);
  });

  it('an earlier wake brings a delayed job forward; a later one never postpones it', async () => {
    const id = randomUUID();
    await queue.wake(id, { delayMs: 60_000 });
    expect(await queue.queue.getJobState(id)).toBe('delayed');
    await queue.wake(id, { delayMs: 120_000 });
    const job = await queue.queue.getJob(id);
    expect(job!.timestamp + job!.delay).toBeLessThanOrEqual(Date.now() + 60_000);
    await queue.wake(id);
    expect(await queue.queue.getJobState(id)).toBe('waiting');
  });

  it('remembers a wake that arrives while the job runs, and turns it into the next job when it ends', async () => {
    const id = randomUUID();
    await queue.remember(id, Date.now());
    // No job exists yet: afterJob creates it from the memo, then the memo is gone.
    await queue.afterJob(id);
    expect(await queue.queue.getJobState(id)).toBe('waiting');
    await queue.queue.remove(id);
    await queue.afterJob(id);
    expect(await queue.hasJob(id)).toBe(false);
  });

  it('a later memo never replaces an earlier one', async () => {
    const id = randomUUID();
    const soon = Date.now() + 50;
    await queue.remember(id, soon);
    await queue.remember(id, Date.now() + 600_000);
    await queue.afterJob(id);
    const job = await queue.queue.getJob(id);
    expect(job!.timestamp + job!.delay).toBeLessThan(Date.now() + 1_000);
    await queue.clearMemo(id);
  });

  it('tells the safety net which deployments to wake: no job, or a job due only after its horizon', async () => {
    const none = randomUUID();
    const soon = randomUUID();
    const far = randomUUID();
    const waiting = randomUUID();
    await queue.wake(soon, { delayMs: 5_000 });
    await queue.wake(far, { delayMs: 600_000 });
    await queue.wake(waiting);
    const due = await queue.needingWake([none, soon, far, waiting], Date.now() + 30_000);
    expect(due.sort()).toEqual([none, far].sort());
    expect(await queue.needingWake([], Date.now())).toEqual([]);
    for (const id of [soon, far, waiting]) await queue.queue.remove(id);
  });
});
