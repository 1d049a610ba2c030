import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiConfig } from '@cutover/config';
import { loadConfig } from '@cutover/config';
import { ReadCache } from './read-cache.service';

// Real Redis (the run's prefix keeps channels apart from other runs); two instances stand for two api replicas.
function config(overrides: NodeJS.ProcessEnv = {}): ApiConfig {
  return loadConfig({ ...process.env, ...overrides }, 'api');
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ReadCache', () => {
  const caches: ReadCache[] = [];
  async function replica(overrides: NodeJS.ProcessEnv): Promise<ReadCache> {
    const cache = new ReadCache(config(overrides));
    caches.push(cache);
    await cache.onModuleInit();
    return cache;
  }
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.onModuleDestroy()));
  });

  it('serves repeated reads from memory and drops them when any replica invalidates', async () => {
    const prefix = { CUTOVER_QUEUE_PREFIX: `rc${randomBytes(4).toString('hex')}` };
    const a = await replica(prefix);
    const b = await replica(prefix);
    await until(() => a.active && b.active, 'both subscriptions');
    let loads = 0;
    const load = async () => ++loads;
    expect(await a.get('releases:x', 'p1', load)).toBe(1);
    expect(await a.get('releases:x', 'p1', load)).toBe(1);
    expect(await a.get('releases:y', 'p1', load)).toBe(2);

    await b.invalidate('releases:x');
    await until(async () => (await a.get('releases:x', 'p1', load)) !== 1, 'the invalidation to reach the other replica');
    expect(await a.get('releases:y', 'p1', load)).toBe(2);
  });

  it('invalidates its own replica before invalidate() returns (read-your-writes)', async () => {
    const a = await replica({ CUTOVER_QUEUE_PREFIX: `rc${randomBytes(4).toString('hex')}` });
    await until(() => a.active, 'subscription');
    let loads = 0;
    await a.get('s', 'k', async () => ++loads);
    await a.invalidate('s');
    expect(await a.get('s', 'k', async () => ++loads)).toBe(2);
  });

  it('does not store a read that overlapped an invalidation', async () => {
    const a = await replica({ CUTOVER_QUEUE_PREFIX: `rc${randomBytes(4).toString('hex')}` });
    await until(() => a.active, 'subscription');
    let release!: () => void;
    const slow = a.get('s', 'k', () => new Promise<string>((resolve) => (release = () => resolve('stale'))));
    await a.invalidate('s');
    release();
    expect(await slow).toBe('stale');
    expect(await a.get('s', 'k', async () => 'fresh')).toBe('fresh');
  });

  it('caches nothing while it cannot hear invalidations', async () => {
    const down = await replica({ REDIS_URL: 'redis://127.0.0.1:9' });
    let loads = 0;
    await down.get('s', 'k', async () => ++loads);
    await down.get('s', 'k', async () => ++loads);
    expect(down.active).toBe(false);
    expect(loads).toBe(2);
    await expect(down.invalidate('s')).resolves.toBeUndefined();
  });
});
