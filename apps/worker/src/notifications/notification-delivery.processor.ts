import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InvalidJobError, JOB_NAMES, NOTIFICATIONS_QUEUE, NotificationQueue, parseJobAs } from '@cutover/queue';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';
import { type AttemptOutcome, NotificationDeliveryService } from './notification-delivery.service';

const DEFER_MS = 250;

/**
 * The BullMQ consumer of the notifications queue: thin. BullMQ owns the retries (exponential back-off with jitter,
 * see NotificationQueue); a failed attempt is thrown so BullMQ schedules the next one. It runs beside, never inside,
 * the deployment ticks: a slow receiver costs a notification slot, not a tick.
 */
@Injectable()
export class NotificationDeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationDeliveryProcessor.name);
  private worker: Worker | null = null;
  private readonly inFlight = new Map<string, number>();

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(NotificationQueue) private readonly queue: NotificationQueue,
    @Inject(NotificationDeliveryService) private readonly deliveries: NotificationDeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.notifications === false) return;
    // The lock must outlive the slowest attempt, or a second worker would take the job over mid-request.
    const lockDuration = this.config.notifications.timeoutMs + 15_000;
    this.worker = new Worker(NOTIFICATIONS_QUEUE, (job: Job, token?: string) => this.process(job, token), {
      connection: this.queue.redis.duplicate({ maxRetriesPerRequest: null }),
      prefix: this.queue.queuePrefix,
      concurrency: this.config.notifications.concurrency,
      lockDuration,
    });
    this.worker.on('error', (error: Error) => this.logger.warn(`notifications queue: ${error.message}`));
  }

  /** Exposed for tests: one job's work. */
  async process(job: Job, token?: string): Promise<AttemptOutcome | 'deferred'> {
    let deliveryId: string;
    try {
      deliveryId = parseJobAs(JOB_NAMES.notificationDeliver, job.name, job.data).deliveryId;
    } catch (error) {
      if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
    const delivery = await this.deliveries.load(deliveryId);
    if (delivery === null) return { status: 'skipped', reason: 'delivery deleted' };
    const { channelId } = delivery;
    const busy = this.inFlight.get(channelId) ?? 0;
    // Deliveries to one channel in flight at once in this process (CUTOVER_NOTIFY_PER_CHANNEL): a stuck receiver
    // holds no more slots than this, the others keep the rest.
    if (busy >= this.config.notifications.perChannel && token) {
      // This channel already holds its share of slots (a slow receiver): wait without spending an attempt.
      await job.moveToDelayed(Date.now() + DEFER_MS + Math.floor(Math.random() * DEFER_MS), token);
      throw new DelayedError();
    }
    this.inFlight.set(channelId, busy + 1);
    try {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await this.deliveries.attempt(delivery, lastAttempt);
      if (outcome.status === 'retry') throw new Error(outcome.error);
      return outcome;
    } finally {
      const left = (this.inFlight.get(channelId) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(channelId);
      else this.inFlight.set(channelId, left);
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
