import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  buildDeploymentNotification,
  channelWants,
  type DeploymentSnapshot,
  type Notification,
  notificationTypeOf,
  type TimelineEventRecord,
} from '@cutover/domain';
import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import {
  ClusterRepository,
  type DeploymentRecord,
  DeploymentEventRepository,
  DeploymentRepository,
  type FeedEvent,
  type NewDelivery,
  type NotificationChannelRecord,
  NotificationChannelRepository,
  NotificationCursorRepository,
  NotificationDeliveryRepository,
  type Prisma,
  TransactionRunner,
} from '@cutover/persistence';
import { eventsCommittedChannel, NotificationQueue } from '@cutover/queue';
import type Redis from 'ioredis';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';

const PAGE = 500;
/** Pages one wake may dispatch before it lets the next wake (or timer) continue. */
const MAX_PAGES = 20;
/** Committed events wait above the feed's horizon for an open transaction: look again this soon. */
const UNSETTLED_RETRY_MS = 200;
/** A pending delivery this old without a job lost it (Redis flushed, a crash before enqueue): queue it again. */
const SWEEP_AGE_MS = 30_000;

export interface DispatchResult {
  /** Deliveries created. */
  created: number;
  complete: boolean;
  unsettled: boolean;
  /** Another worker held this scope. */
  busy: boolean;
}

/** The deployment as a notification describes it: names from the feed, step and weight as the event saw them. */
export function snapshotOf(event: FeedEvent, d: DeploymentRecord | null, publicUrl: string | null): DeploymentSnapshot {
  const step = event.snapshot?.step ?? null;
  return {
    id: event.deploymentId,
    app: event.app,
    environment: event.environment,
    cluster: event.cluster,
    release: event.release,
    previousRelease: d?.previousRelease ?? null,
    kind: d?.kind ?? 'deploy',
    strategy: d?.state.ctx.strategy.type ?? 'unknown',
    phase: event.snapshot?.phase ?? d?.phase ?? 'unknown',
    pauseReason: event.snapshot?.pauseReason ?? null,
    step: step ? { index: step.index + 1, count: step.total } : null,
    weight: event.snapshot?.weight ?? null,
    reason: d?.reason ?? null,
    url: publicUrl ? `${publicUrl}/ui/deployments/${event.deploymentId}` : null,
  };
}

function timelineRecord(e: FeedEvent): TimelineEventRecord {
  const data = typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data) ? (e.data as Record<string, unknown>) : {};
  return { seq: e.seq, type: e.type, message: e.message, data, actor: e.actor, at: e.at };
}

/**
 * Turns committed deployment events into deliveries: follows the gapless feed (DeploymentEventRepository.readAfter)
 * from its saved position, and in one transaction inserts one delivery per (wanting channel, event) and moves the
 * position on; then queues the new deliveries. A crash between the two leaves pending deliveries the sweeper queues.
 * Woken by the Redis nudge after every event-writing commit, and by a timer as the safety net.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationDispatcher.name);
  private subscriber: Redis | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private clusterNames: string[] | undefined;

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(TransactionRunner) private readonly tx: TransactionRunner,
    @Inject(DeploymentEventRepository) private readonly events: DeploymentEventRepository,
    @Inject(DeploymentRepository) private readonly deployments: DeploymentRepository,
    @Inject(ClusterRepository) private readonly clusters: ClusterRepository,
    @Inject(NotificationChannelRepository) private readonly channels: NotificationChannelRepository,
    @Inject(NotificationDeliveryRepository) private readonly deliveries: NotificationDeliveryRepository,
    @Inject(NotificationCursorRepository) private readonly cursors: NotificationCursorRepository,
    @Inject(NotificationQueue) private readonly queue: NotificationQueue,
  ) {}

  /** One cursor per set of clusters served: a regional worker dispatches its own clusters' events. */
  get scope(): string {
    const ids = this.options.clusterIds;
    if (!ids || ids.length === 0) return 'deployment-events';
    return `deployment-events:${createHash('sha256').update([...ids].sort().join(',')).digest('hex').slice(0, 16)}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.notifications === false) return;
    this.subscriber = this.queue.redis.duplicate();
    this.subscriber.on('message', () => this.wake());
    this.subscriber.on('error', (error: Error) => this.logger.warn(`events nudge subscription: ${error.message}`));
    await this.subscriber.subscribe(eventsCommittedChannel(this.queue.queuePrefix));
    this.timer = setInterval(() => {
      this.wake();
      void this.sweep().catch((error: unknown) => this.logger.warn(`delivery sweep failed: ${String(error)}`));
    }, this.options.notificationPollMs ?? 5_000);
    this.timer.unref();
    this.wake();
  }

  /** Coalesces: a wake during a run makes one more run afterwards. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn(`notification dispatch failed (the next wake retries): ${String(error)}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (let i = 0; i < MAX_PAGES && !this.stopped; i += 1) {
      const result = await this.dispatchOnce();
      if (result.busy) return;
      if (result.complete) {
        if (result.unsettled && !this.retry) {
          this.retry = setTimeout(() => {
            this.retry = null;
            this.wake();
          }, UNSETTLED_RETRY_MS);
          this.retry.unref();
        }
        return;
      }
    }
    this.again = true;
  }

  /** Exposed for tests: one page of the feed turned into deliveries. */
  async dispatchOnce(): Promise<DispatchResult> {
    const clusters = await this.servedClusters();
    // Serving clusters that do not exist (yet): nothing of theirs to dispatch, and an empty filter would match all.
    if (clusters && clusters.length === 0) return { created: 0, complete: true, unsettled: false, busy: false };
    const outcome = await this.tx.run(async (tx) => {
      const position = await this.cursors.tryLock(tx, this.scope);
      if (position === null) return { created: [] as string[], complete: true, unsettled: false, busy: true };
      const page = await this.events.readAfter(position, clusters ? { clusters } : {}, PAGE);
      if (page.events.length > 0) {
        const channels = await this.channels.listEnabled(tx);
        const rows = channels.length > 0 ? await this.deliveriesFor(page.events, channels) : [];
        const created = await this.deliveries.insertNew(tx, rows);
        await this.cursors.save(tx, this.scope, BigInt(page.next));
        return { created: created.map((d) => d.id), complete: page.complete, unsettled: page.unsettled, busy: false };
      }
      return { created: [] as string[], complete: page.complete, unsettled: page.unsettled, busy: false };
    });
    await this.queue.deliverMany(outcome.created);
    return { created: outcome.created.length, complete: outcome.complete, unsettled: outcome.unsettled, busy: outcome.busy };
  }

  /** Queues pending deliveries that have no job any more; returns how many. */
  async sweep(olderThanMs = SWEEP_AGE_MS): Promise<number> {
    let queued = 0;
    for (const d of await this.deliveries.pendingBefore(new Date(Date.now() - olderThanMs), 200)) {
      if (await this.queue.hasJob(d.id)) continue;
      await this.queue.deliver(d.id);
      queued += 1;
    }
    return queued;
  }

  private async deliveriesFor(events: FeedEvent[], channels: NotificationChannelRecord[]): Promise<NewDelivery[]> {
    const rows: NewDelivery[] = [];
    // One query for the page's deployments: this runs inside the dispatch transaction, whose row lock holds the
    // event feed's horizon (docs/adr/0007) — a query per deployment here once delayed every live client by seconds.
    const wanted = (event: FeedEvent, type: Notification['type']) => {
      const probe: Pick<Notification, 'type' | 'deployment' | 'channel'> = { type, deployment: snapshotOf(event, null, null) };
      const at = Date.parse(event.at);
      // A channel hears of what happened after it was created, not of history.
      return channels.filter((c) => c.createdAt.getTime() <= at && channelWants(c.filters, probe));
    };
    const needed = events.filter((event) => {
      const type = notificationTypeOf(timelineRecord(event));
      return type !== null && wanted(event, type).length > 0;
    });
    const deployments: Map<string, DeploymentRecord> = needed.length > 0 ? await this.deployments.findManyByIds(needed.map((e) => e.deploymentId)) : new Map();
    for (const event of needed) {
      const record = timelineRecord(event);
      const type = notificationTypeOf(record)!;
      const wanting = wanted(event, type);
      const notification = buildDeploymentNotification(type, record, snapshotOf(event, deployments.get(event.deploymentId) ?? null, this.config.publicUrl));
      for (const c of wanting) {
        rows.push({ channelId: c.id, eventId: notification.id, eventType: type, deploymentId: event.deploymentId, payload: notification as unknown as Prisma.InputJsonValue });
      }
    }
    return rows;
  }

  private async servedClusters(): Promise<string[] | undefined> {
    const ids = this.options.clusterIds;
    if (!ids || ids.length === 0) return undefined;
    if (!this.clusterNames || this.clusterNames.length < ids.length) this.clusterNames = await this.clusters.namesOf(ids);
    return this.clusterNames;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    await this.running;
    if (this.subscriber) {
      this.subscriber.disconnect();
      this.subscriber = null;
    }
  }
}
