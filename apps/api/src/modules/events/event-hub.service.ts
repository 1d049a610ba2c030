import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { DeploymentEventRepository, type FeedEvent } from '@cutover/persistence';
import { DeploymentQueue, eventsCommittedChannel, parseEventsCommitted } from '@cutover/queue';
import { API_LOGGER } from '../../common/logging/logging.module';

/** Gets every settled event after the hub's cursor, in order, in pages. */
export type HubListener = (events: readonly FeedEvent[]) => void;

/** Re-read this soon when committed events wait above the horizon, backing off to RETRY_MAX_MS while they do. */
const RETRY_MIN_MS = 5;
const RETRY_MAX_MS = 250;
/** The safety net when a nudge is lost (Redis restarted, a writer crashed between commit and publish). */
export const FALLBACK_READ_MS = 5_000;

/**
 * One per api process: one Redis subscription to "events committed" nudges and one shared cursor over the event
 * feed. On a nudge it reads the new settled events once and hands them to every attached listener (each client
 * filters in memory), so 500 clients cost one query per burst of commits, not 500 (docs/adr/0007). Idle (no
 * listener) it reads nothing.
 */
@Injectable()
export class EventHub implements OnApplicationShutdown {
  private readonly listeners = new Set<HubListener>();
  private subscriber: Redis | null = null;
  private cursor: bigint | null = null;
  private starting: Promise<void> | null = null;
  private reading = false;
  private again = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private fallbackTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    @Inject(DeploymentEventRepository) private readonly events: DeploymentEventRepository,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(API_LOGGER) private readonly log: Logger,
  ) {}

  get size(): number {
    return this.listeners.size;
  }

  /**
   * Adds a listener; resolves once the hub is live, i.e. every event settled after this moment will reach the
   * listener. A client then catches up from the table for what settled before (EventStream).
   */
  async attach(listener: HubListener): Promise<() => void> {
    this.listeners.add(listener);
    const detach = () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.idle();
    };
    try {
      await this.start();
    } catch (error) {
      detach();
      throw error;
    }
    return detach;
  }

  /** Read now (a nudge arrived, Redis reconnected, or a timer fired); coalesces while a read runs. */
  poke(): void {
    if (this.cursor === null || this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.readLoop();
  }

  private start(): Promise<void> {
    if (this.cursor !== null) return Promise.resolve();
    this.starting ??= (async () => {
      if (!this.subscriber) {
        const sub = this.queue.redis.duplicate({ maxRetriesPerRequest: null });
        sub.on('message', (_channel: string, message: string) => {
          const nudge = parseEventsCommitted(message);
          // Already past the largest position written: nothing new for us.
          if (nudge?.position && this.cursor !== null && BigInt(nudge.position) <= this.cursor) return;
          this.poke();
        });
        // After a reconnect the nudges sent meanwhile are gone: read once.
        sub.on('ready', () => this.poke());
        sub.on('error', (err: unknown) => this.log.warn({ err }, 'live events: Redis subscription error; reading from Postgres on a timer until it is back'));
        await sub.subscribe(eventsCommittedChannel(this.queue.queuePrefix));
        this.subscriber = sub;
      }
      this.cursor = BigInt(await this.events.latestPosition());
      this.fallbackTimer = setInterval(() => this.poke(), FALLBACK_READ_MS);
      this.fallbackTimer.unref();
    })().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private idle(): void {
    this.cursor = null;
    if (this.fallbackTimer) clearInterval(this.fallbackTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.fallbackTimer = null;
    this.retryTimer = null;
  }

  private async readLoop(): Promise<void> {
    this.reading = true;
    try {
      let unsettled = false;
      do {
        this.again = false;
        for (;;) {
          if (this.cursor === null) return;
          const page = await this.events.readAfter(this.cursor, {});
          if (this.cursor === null) return;
          this.cursor = BigInt(page.next);
          unsettled = page.unsettled;
          if (page.events.length > 0) this.dispatch(page.events);
          if (page.complete) break;
        }
      } while (this.again);
      this.scheduleRetry(unsettled);
    } catch (err) {
      this.log.warn({ err }, 'live events: reading the event feed failed; retrying');
      this.scheduleRetry(true);
    } finally {
      this.reading = false;
    }
  }

  private dispatch(events: readonly FeedEvent[]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(events);
      } catch (err) {
        this.log.error({ err }, 'live events: a listener failed');
      }
    }
  }

  private scheduleRetry(unsettled: boolean): void {
    if (!unsettled) {
      this.retryMs = RETRY_MIN_MS;
      return;
    }
    if (this.retryTimer || this.cursor === null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.poke();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.idle();
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
