import 'reflect-metadata';
import { ConfigError, PinoNestLogger, createLogger, loadConfig } from '@cutover/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, 'worker');
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // The api's format (pino JSON lines), service `cutover-worker`.
  const logger = createLogger({ service: 'cutover-worker', level: config.logLevel });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: config.logLevel === 'silent' ? false : new PinoNestLogger(logger),
  });
  // SIGTERM/SIGINT: the processor stops taking jobs and waits for the running ticks; then everything closes.
  // A SIGKILL needs nothing: decisions are durable before they touch a cluster and effects are idempotent.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
  new Logger('worker').log(`worker up: concurrency ${config.concurrency}, reconcile every ${config.reconcileIntervalMs} ms`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
