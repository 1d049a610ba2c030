// Issue 15 §1: after a worker crash nothing may sit unobserved. A worker that starts wakes every active deployment
// (a job delayed to a far deadline is pulled forward); the reconciler wakes one whose job is due only after its
// next pass; a watch that lists afresh wakes the deployments of its namespace; mass wakes are paced.
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@cutover/config';
import { DeploymentQueue } from '@cutover/queue';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerModule } from '../src/worker.module';
import { WakeRouter } from '../src/watches/wake-router.service';
import { DeploymentTickService } from '../src/ticks/deployment-tick.service';
import { Reconciler } from '../src/reconciler/reconciler.service';
import { command, deploy, FAST, releaseSpec, seedApp, seedRelease, startStack, stateOf, until, waitPhase, type Stack } from './worker-harness';

describe('waking after a crash', () => {
  let stack: Stack;
  let worker: INestApplicationContext | null = null;

  beforeAll(async () => {
    stack = await startStack('wake');
  });

  afterEach(async () => {
    await worker?.close();
    worker = null;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function boot(reconcileIntervalMs: number, extra: Record<string, unknown> = {}): Promise<INestApplicationContext> {
    const config = loadConfig({ ...stack.env, RECONCILE_INTERVAL_MS: String(reconcileIntervalMs) }, 'worker');
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, { ...FAST, clusterIds: [stack.clusterId], ...extra }), { logger: ['error'] });
    await app.init();
    return app;
  }

  /** A deployment as the api leaves it, whose only job is delayed 10 minutes (what a killed worker left behind). */
  async function farDelayed(name: string): Promise<string> {
    const s = await seedApp(stack, name, { replicas: 1 });
    await seedRelease(stack, s, '1.0.0', releaseSpec(`example/${name}:1.0.0`));
    const id = await deploy(stack, s, '1.0.0', { type: 'RollingUpdate' }, null, { wake: false });
    await stack.queue.wake(id, { delayMs: 600_000 });
    await stack.queue.clearMemo(id);
    expect(await stack.queue.queue.getJobState(id)).toBe('delayed');
    return id;
  }

  it('a worker that starts ticks every active deployment, pulling a far-delayed job forward', { timeout: 60_000 }, async () => {
    const id = await farDelayed('wake-start');
    // A reconcile period of an hour: only the start can have woken it.
    worker = await boot(3_600_000);
    await until('the deployment to be ticked', async () => ((await stateOf(stack, id)).phase !== 'Pending' ? true : undefined), 20_000, 100);
  });

  it('the reconciler wakes a deployment whose job is due only after its next pass', { timeout: 60_000 }, async () => {
    worker = await boot(1_000);
    // Let the start's wake-all pass, then leave a deployment with only a far-delayed job behind.
    await new Promise((r) => setTimeout(r, 1_500));
    const id = await farDelayed('wake-pass');
    await until('the deployment to be ticked', async () => ((await stateOf(stack, id)).phase !== 'Pending' ? true : undefined), 20_000, 100);
  });

  it('a relisted namespace wakes its deployments, paced: 30 wakes at 10 a second take about 3 s', { timeout: 60_000 }, async () => {
    const queue = new DeploymentQueue({ redisUrl: stack.env.REDIS_URL!, prefix: `${stack.prefix}-pace` });
    const router = new WakeRouter(queue, { wakeRate: 10 });
    try {
      const ids = Array.from({ length: 30 }, () => randomUUID());
      ids.forEach((id, i) => router.register({ id, clusterId: 'c', namespace: 'ns', app: `a${i}`, environment: 'prod' }));
      const other = randomUUID();
      router.register({ id: other, clusterId: 'c', namespace: 'elsewhere', app: 'b', environment: 'prod' });
      const t0 = Date.now();
      router.namespaceRelisted('c', 'ns');
      expect(router.backlog).toBe(30);
      await until('every deployment of the namespace to have a job', async () => ((await queue.needingWake(ids, Date.now() + 60_000)).length === 0 ? true : undefined), 30_000, 50);
      // A lower bound only: a loaded machine is slower, never faster.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2_500);
      expect(await queue.needingWake([other], Date.now() + 60_000)).toEqual([other]);
    } finally {
      router.onModuleDestroy();
      await queue.queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('a canary held at a pause without a duration is not ticked by later passes; a promote still moves it at once', { timeout: 90_000 }, async () => {
    worker = await boot(1_000);
    const strategy = { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }] };
    const s = await seedApp(stack, 'wake-held', { replicas: 2, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec('example/wake-held:1.0.0'));
    await seedRelease(stack, s, '2.0.0', releaseSpec('example/wake-held:2.0.0'));
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await waitPhase(stack, id, ['Paused']);
    const ticks = worker.get(DeploymentTickService).stats;
    const reconciler = worker.get(Reconciler);
    // Let the status settle (its last commit, the watch events of the pods turning ready), then count.
    await new Promise((r) => setTimeout(r, 2_500));
    const before = ticks.get(id)?.ticks ?? 0;
    const passes = reconciler.stats().passes;
    await until('three more reconciler passes', () => (reconciler.stats().passes >= passes + 3 ? true : undefined), 20_000, 100);
    expect(ticks.get(id)?.ticks ?? 0).toBe(before);
    expect(reconciler.stats().lastIdle).toBeGreaterThanOrEqual(1);
    await command(stack, id, 'promote');
    await waitPhase(stack, id, ['Succeeded']);
  });
});
