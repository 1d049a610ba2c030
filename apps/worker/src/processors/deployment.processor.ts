import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DEPLOYMENTS_QUEUE, DeploymentQueue, InvalidJobError, JOB_NAMES, parseJobAs } from '@cutover/queue';
import { DomainError } from '@cutover/domain';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { DeploymentTickService, type TickOutcome } from '../ticks/deployment-tick.service';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';

const MAX_BACKOFF_MS = 30_000;

/**
 * A SIGKILLed worker's running job is taken over when its lock has expired and a stalled check has seen it twice
 * (once to mark it, once to move it): at most lock + interval after the kill, 5 s with these. The lock is renewed
 * every lock/2 = 2 s by a timer, so only an event loop blocked for 4 s loses it early, and then the version guard
 * makes the doubled tick harmless. The check is one small script per interval for the whole queue (a shared key
 * keeps workers from repeating it), so a 1 s interval costs Redis nothing worth counting.
 */
export const DEFAULT_LOCK_DURATION_MS = 4_000;
export const DEFAULT_STALLED_INTERVAL_MS = 1_000;

/**
 * The BullMQ consumer: thin. Validates the payload, runs one tick, and turns the tick's wake-up into the next job
 * once this one has ended (the job id is the deployment id, so the next job can only be added then).
 */
@Injectable()
export class DeploymentProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeploymentProcessor.name);
  private worker: Worker | null = null;
  private readonly failures = new Map<string, number>();

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(DeploymentTickService) private readonly ticks: DeploymentTickService,
  ) {}

  onApplicationBootstrap(): void {
    const lockDuration = this.options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
    this.worker = new Worker(DEPLOYMENTS_QUEUE, (job: Job) => this.process(job), {
      connection: this.queue.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: this.queue.queuePrefix,
      concurrency: this.config.concurrency,
      lockDuration,
      stalledInterval: this.options.stalledIntervalMs ?? Math.min(DEFAULT_STALLED_INTERVAL_MS, lockDuration),
      // A killed worker's job is taken over, however many times that happens: ticks are safe to repeat.
      maxStalledCount: 1_000,
    });
    this.worker.on('completed', (job: Job) => void this.after(job.id));
    this.worker.on('failed', (job: Job | undefined, error: Error) => void this.afterFailure(job?.id, error));
    this.worker.on('error', (error: Error) => {
      // A job whose lock expired (a slow tick, or taken over after a worker died) is finished by its new owner, and
      // the version guard makes the late tick harmless: worth a warning, not an error.
      if (/Lock mismatch|Missing lock|Missing key/.test(error.message)) this.logger.warn(`queue: ${error.message}`);
      else this.logger.error(`queue error: ${error.message}`);
    });
  }

  /** Exposed for tests: one job's work. */
  async process(job: Job): Promise<TickOutcome> {
    let deploymentId: string;
    try {
      deploymentId = parseJobAs(JOB_NAMES.deploymentTick, job.name, job.data).deploymentId;
    } catch (error) {
      if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
    // From the moment the job was due to the moment this worker took it: the queue's share of a step's latency.
    this.ticks.timings.record('queueWait', Math.max(0, Date.now() - job.timestamp - (job.delay ?? 0)));
    await this.queue.clearMemo(deploymentId);
    try {
      const outcome = await this.ticks.timings.time('tick', () => this.ticks.tick(deploymentId));
      if ((outcome.status === 'committed' || outcome.status === 'unchanged') && outcome.wakeAt !== null) {
        await this.queue.remember(deploymentId, outcome.wakeAt);
      }
      // A stale job lost the race to another tick: that tick scheduled what comes next.
      return outcome;
    } catch (error) {
      if (error instanceof DomainError) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  }

  private async after(id: string | undefined): Promise<void> {
    if (!id) return;
    this.failures.delete(id);
    await this.queue.afterJob(id).catch((error: unknown) => this.logger.warn(`scheduling ${id} failed: ${String(error)}`));
  }

  private async afterFailure(id: string | undefined, error: Error): Promise<void> {
    if (!id) return;
    if (error instanceof UnrecoverableError || error.name === 'UnrecoverableError') {
      this.logger.error(`tick of ${id} discarded: ${error.message}`);
      return;
    }
    const n = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, n);
    const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (n - 1));
    this.logger.warn(`tick of ${id} failed (${n} in a row), again in ${backoff} ms: ${error.message}`);
    try {
      await this.queue.remember(id, Date.now() + backoff);
      await this.queue.afterJob(id);
    } catch (e) {
      this.logger.warn(`rescheduling ${id} failed: ${String(e)}`);
    }
  }

  /**
   * SIGTERM: stop taking jobs, let the running ticks finish, then close. This is a destroy hook (the worker module's
   * run before the persistence module's), so the database is still connected while the last ticks commit.
   */
  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await worker.close();
    await worker.disconnect().catch(() => undefined);
  }
}
