import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DEPLOYMENTS_QUEUE, DeploymentQueue, InvalidJobError, JOB_NAMES, parseJobAs } from '@cutover/queue';
import { DomainError } from '@cutover/domain';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { DeploymentTickService, type TickOutcome } from '../ticks/deployment-tick.service';
import { backoffMs, scheduledWake } from '../ticks/wake.policy';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';

/**
 * A SIGKILLed worker's running job is handed to a live worker within ~2 s: every second one worker frees the jobs of
 * workers that have no Redis connection left (DeploymentQueue.freeJobsOfDeadWorkers), and the stalled check (every
 * second; one small script for the whole queue, shared by a key) then moves them back to wait. The lock itself can
 * therefore stay long (15 s, renewed every 7.5 s by a timer): a worker slowed by a loaded machine does not lose its
 * jobs, and a hung but connected worker still loses them after 15 s (the version guard makes a doubled tick harmless).
 * docs/adr/0008-worker-crash-recovery.md.
 */
export const DEFAULT_LOCK_DURATION_MS = 15_000;
export const DEFAULT_STALLED_INTERVAL_MS = 1_000;

/**
 * The BullMQ consumer: thin. Validates the payload, runs one tick, and turns the tick's wake-up into the next job
 * once this one has ended (the job id is the deployment id, so the next job can only be added then).
 */
@Injectable()
export class DeploymentProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeploymentProcessor.name);
  private worker: Worker | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  /** This worker's name in Redis (client name and each job's processedBy): how others tell it is alive. */
  readonly name = `worker-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly failures = new Map<string, number>();

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(DeploymentTickService) private readonly ticks: DeploymentTickService,
  ) {}

  onApplicationBootstrap(): void {
    const lockDuration = this.options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
    const stalledInterval = this.options.stalledIntervalMs ?? Math.min(DEFAULT_STALLED_INTERVAL_MS, lockDuration);
    this.worker = new Worker(DEPLOYMENTS_QUEUE, (job: Job) => this.process(job), {
      name: this.name,
      connection: this.queue.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: this.queue.queuePrefix,
      concurrency: this.config.concurrency,
      lockDuration,
      stalledInterval,
      // A killed worker's job is taken over, however many times that happens: ticks are safe to repeat.
      maxStalledCount: 1_000,
    });
    this.sweeper = setInterval(() => {
      this.queue
        .freeJobsOfDeadWorkers(this.name, stalledInterval)
        .then((freed) => {
          if (freed.length > 0) this.logger.warn(`freed ${freed.length} job(s) of workers that are gone: ${freed.join(', ')}`);
        })
        .catch((error: unknown) => this.logger.warn(`looking for jobs of dead workers failed: ${String(error)}`));
    }, stalledInterval);
    this.sweeper.unref();
    this.worker.on('completed', (job: Job) => void this.after(job.id));
    this.worker.on('failed', (job: Job | undefined, error: Error) => void this.afterFailure(job?.id, error));
    this.worker.on('error', (error: Error) => {
      // A job whose lock expired (a slow tick, or taken over after a worker died) is finished by its new owner, and
      // the version guard makes the late tick harmless: worth a warning, not an error.
      if (/Lock mismatch|Missing lock|Missing key|could not renew lock/.test(error.message)) this.logger.warn(`queue: ${error.message}`);
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
      const wakeAt = scheduledWake(outcome);
      if (wakeAt !== null) await this.queue.remember(deploymentId, wakeAt);
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
    const backoff = backoffMs(n);
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
    if (this.sweeper) clearInterval(this.sweeper);
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await worker.close();
    await worker.disconnect().catch(() => undefined);
  }
}
