// The producer for notification deliveries. The job id is derived from the delivery id, so enqueuing a delivery
// twice (the dispatcher, a redelivery and the sweeper racing) leaves one job: one attempt at a time per delivery.
import { Queue, type JobsOptions } from 'bullmq';
import Redis from 'ioredis';
import { JOB_NAMES, NOTIFICATIONS_QUEUE, type JobOf } from './jobs.types';
import type { QueueConnectionOptions } from './deployment.queue';

export interface DeliveryRetryPolicy {
  /** Attempts in all (the first one included). */
  attempts: number;
  /** Back-off before the second attempt; doubles each time, with jitter (BullMQ's exponential back-off). */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: DeliveryRetryPolicy = { attempts: 6, backoffMs: 2_000 };

export function deliveryJobId(deliveryId: string): string {
  return `delivery-${deliveryId}`;
}

export class NotificationQueue {
  readonly queue: Queue<JobOf<'notification.deliver'>['data'], unknown, string>;
  readonly redis: Redis;
  private readonly prefix: string;

  constructor(
    options: QueueConnectionOptions,
    readonly policy: DeliveryRetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    this.prefix = options.prefix;
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.queue = new Queue(NOTIFICATIONS_QUEUE, { connection: this.redis, prefix: options.prefix });
  }

  get queuePrefix(): string {
    return this.prefix;
  }

  /**
   * Queue one delivery. BullMQ retries it (exponential back-off with jitter) until `attempts` run out. Finished jobs
   * are removed, so a redelivery (or the sweeper) can queue the same delivery again.
   */
  async deliver(deliveryId: string): Promise<void> {
    await this.queue.add(JOB_NAMES.notificationDeliver, { deliveryId }, this.jobOptions(deliveryId));
  }

  /** Several deliveries in one round trip (a dispatched page). */
  async deliverMany(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.queue.addBulk(deliveryIds.map((deliveryId) => ({ name: JOB_NAMES.notificationDeliver, data: { deliveryId }, opts: this.jobOptions(deliveryId) })));
  }

  private jobOptions(deliveryId: string): JobsOptions {
    return {
      jobId: deliveryJobId(deliveryId),
      attempts: this.policy.attempts,
      backoff: { type: 'exponential', delay: this.policy.backoffMs, jitter: 0.5 },
      removeOnComplete: true,
      removeOnFail: true,
    };
  }

  /** True when the delivery has a job waiting, delayed or running. */
  async hasJob(deliveryId: string): Promise<boolean> {
    const state = await this.queue.getJobState(deliveryJobId(deliveryId));
    return state === 'waiting' || state === 'delayed' || state === 'active' || state === 'prioritized' || state === 'waiting-children';
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
