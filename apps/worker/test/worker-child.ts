// The worker as a separate process for crash tests: same module as apps/worker/src/main.ts, with test timings
// (watches restarted quickly).
import 'reflect-metadata';
import { loadConfig } from '@cutover/config';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from '../src/worker.module';

/** TEST_WORKER_CLUSTERS (comma-separated ids, multi-cluster stacks) or TEST_WORKER_CLUSTER (one). */
function clusterIds(): string[] | undefined {
  const list = process.env.TEST_WORKER_CLUSTERS ?? process.env.TEST_WORKER_CLUSTER;
  return list ? list.split(',').filter(Boolean) : undefined;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  // The default lock: a SIGKILLed worker's jobs are freed by the dead-worker sweep, not by waiting for locks to expire.
  const lockDurationMs = process.env.TEST_WORKER_LOCK_MS ? Number(process.env.TEST_WORKER_LOCK_MS) : undefined;
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, { lockDurationMs, clusterIds: clusterIds(), watch: { quietMs: 60_000, retryMs: 200 } }), { logger: ['error'] });
  app.enableShutdownHooks(['SIGTERM']);
  await app.init();
  process.send?.('ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
