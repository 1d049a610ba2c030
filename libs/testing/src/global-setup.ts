// Vitest global setup: every test run gets a database of its own, migrated from prisma/migrations, and a Redis
// key prefix of its own, so runs (and engineers sharing one server) never see each other's rows or queues.
// Workers are forked after this runs and inherit process.env, which is how test files find both.
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { DEFAULT_DATABASE_URL, dropDatabase, migrate, withMaintenanceClient } from '../../../scripts/migrate-lib.mjs';
import { parseTestDatabaseTime, TEST_DATABASE_PREFIX, testDatabaseName } from './test-database';

const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export default async function setup(): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const now = new Date();
  const name = testDatabaseName(now, randomBytes(4).toString('hex'));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  await dropStaleDatabases(serverUrl, now).catch((error: unknown) => {
    // Cleanup is a courtesy; a run must not fail because someone else's leftover is in use.
    console.warn(`[test setup] could not drop stale test databases: ${String(error)}`);
  });
  await migrate({ databaseUrl, createDatabase: true });

  const runId = name;
  process.env.DATABASE_URL = databaseUrl;
  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.CUTOVER_TEST_RUN_ID = runId;
  process.env.REDIS_URL ||= DEFAULT_REDIS_URL;
  process.env.CUTOVER_QUEUE_PREFIX ||= runId;
  process.env.CUTOVER_SECRET_KEY ||= randomBytes(32).toString('hex');
  process.env.NODE_ENV ||= 'test';

  return async () => {
    await dropDatabase(databaseUrl);
    // Scratch databases of this run (createScratchDatabase) whose test died before dropping them.
    await dropDatabases(serverUrl, (other) => other.startsWith(`${name}_`));
    await deleteRedisKeys(process.env.REDIS_URL!, runId).catch((error: unknown) => {
      console.warn(`[test setup] could not clean Redis keys of ${runId}: ${String(error)}`);
    });
  };
}

function dropStaleDatabases(serverUrl: string, now: Date): Promise<void> {
  return dropDatabases(serverUrl, (name) => {
    const createdAt = parseTestDatabaseTime(name);
    return createdAt !== undefined && now.getTime() - createdAt.getTime() > STALE_AFTER_MS;
  });
}

async function dropDatabases(serverUrl: string, select: (name: string) => boolean): Promise<void> {
  const names = await withMaintenanceClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${TEST_DATABASE_PREFIX}%`]);
    return rows.map((row) => row.datname).filter(select);
  });
  for (const name of names) {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await dropDatabase(url.toString());
  }
}

/** Removes the run's queues and keys: everything under the run id prefix. */
async function deleteRedisKeys(redisUrl: string, runId: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${runId}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
