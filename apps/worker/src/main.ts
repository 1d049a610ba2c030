import 'reflect-metadata';
import { ConfigError, loadConfig } from '@cutover/config';
import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';
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
  const levels: LogLevel[] = ['error', 'warn', 'log'];
  // One JSON object a line where logs are collected (no terminal, or production); readable lines in a terminal.
  const json = config.nodeEnv === 'production' || !process.stdout.isTTY;
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: config.logLevel === 'silent' ? false : new ConsoleLogger('worker', { json, logLevels: levels }),
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
