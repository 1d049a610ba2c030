import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '@cutover/domain';
import { InvalidJobError, JOB_NAMES, parseJobAs, WAVE_RUNS_QUEUE, WaveRunQueue } from '@cutover/queue';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { backoffMs } from '../ticks/wake.policy';
import { WaveRunTickService, type WaveTickOutcome } from '../waves/wave-run-tick.service';

/**
 * The wave runs' consumer: thin, like the deployments' (validate, one tick, schedule the wake-up once the job ended).
 * A run is woken by its deployments' phase changes (DeploymentTickService), by api commands, by its bake timer (a
 * delayed job) and by the reconciler; never by polling.
 */
@Injectable()
export class WaveRunProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WaveRunProcessor.name);
  private worker: Worker | null = null;
  private readonly failures = new Map<string, number>();

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WaveRunQueue) private readonly queue: WaveRunQueue,
    @Inject(WaveRunTickService) private readonly ticks: WaveRunTickService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker(WAVE_RUNS_QUEUE, (job: Job) => this.process(job), {
      connection: this.queue.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: this.queue.queuePrefix,
      concurrency: Math.max(1, Math.min(this.config.concurrency, 8)),
      lockDuration: 15_000,
      stalledInterval: 1_000,
      maxStalledCount: 1_000,
    });
    this.worker.on('completed', (job: Job) => void this.after(job.id));
    this.worker.on('failed', (job: Job | undefined, error: Error) => void this.afterFailure(job?.id, error));
    this.worker.on('error', (error: Error) => this.logger.warn(`wave-run queue: ${error.message}`));
  }

  /** Exposed for tests: one job's work. */
  async process(job: Job): Promise<WaveTickOutcome> {
    let waveRunId: string;
    try {
      waveRunId = parseJobAs(JOB_NAMES.waveRunTick, job.name, job.data).waveRunId;
    } catch (error) {
      if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
    await this.queue.clearMemo(waveRunId);
    try {
      const outcome = await this.ticks.tick(waveRunId);
      if (outcome.status === 'stale') await this.queue.remember(waveRunId, Date.now());
      else if ((outcome.status === 'committed' || outcome.status === 'unchanged') && outcome.wakeAt !== null) await this.queue.remember(waveRunId, outcome.wakeAt);
      return outcome;
    } catch (error) {
      if (error instanceof DomainError) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  }

  private async after(id: string | undefined): Promise<void> {
    if (!id) return;
    this.failures.delete(id);
    await this.queue.afterJob(id).catch((error: unknown) => this.logger.warn(`scheduling wave run ${id} failed: ${String(error)}`));
  }

  private async afterFailure(id: string | undefined, error: Error): Promise<void> {
    if (!id) return;
    if (error instanceof UnrecoverableError || error.name === 'UnrecoverableError') {
      this.logger.error(`tick of wave run ${id} discarded: ${error.message}`);
      return;
    }
    const n = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, n);
    this.logger.warn(`tick of wave run ${id} failed (${n} in a row): ${error.message}`);
    try {
      await this.queue.remember(id, Date.now() + backoffMs(n));
      await this.queue.afterJob(id);
    } catch (e) {
      this.logger.warn(`rescheduling wave run ${id} failed: ${String(e)}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await worker.close();
    await worker.disconnect().catch(() => undefined);
  }
}
