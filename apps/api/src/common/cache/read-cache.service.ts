import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { type ApiConfig, CUTOVER_CONFIG } from '@cutover/config';

/** An entry is dropped after this long even without an invalidation: the bound on staleness if a message is lost. */
export const READ_CACHE_TTL_MS = 30_000;
const MAX_SCOPES = 1_000;
const MAX_KEYS_PER_SCOPE = 64;

/** Scopes in use, named here so every writer and reader of one agrees on it. */
export const releaseListScope = (appName: string): string => `releases:${appName}`;

interface Scope {
  generation: number;
  entries: Map<string, { value: unknown; expiresAt: number }>;
}

/**
 * A per-replica cache of read results that change only when their scope changes (`releases:checkout`: the release
 * list of one app). Writers call `invalidate(scope)` once their transaction has committed: this replica forgets at
 * once (read-your-writes), the others when the Redis pub/sub message arrives (milliseconds).
 *
 * Correctness rules:
 * - nothing is cached or served from cache while the subscription is down (and everything is dropped when it
 *   drops), so a replica that might miss an invalidation reads the database instead;
 * - a read that overlapped an invalidation is not stored (generation check), so a slow read cannot put back what
 *   an invalidation removed;
 * - cached values are shared between requests: callers must treat them as immutable.
 */
@Injectable()
export class ReadCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReadCache.name);
  private readonly scopes = new Map<string, Scope>();
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly channel: string;
  private subscribed = false;

  constructor(@Inject(CUTOVER_CONFIG) config: ApiConfig) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false } as const;
    this.subscriber = new Redis(config.redisUrl, options);
    this.publisher = new Redis(config.redisUrl, options);
    this.channel = `${config.queuePrefix}:read-cache:invalidate`;
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', (_channel: string, scope: string) => this.forget(scope));
    // Any interruption may have lost messages: stop caching until subscribed again, and start from empty.
    this.subscriber.on('close', () => this.setSubscribed(false));
    this.subscriber.on('error', () => this.setSubscribed(false));
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.channel).then(
        () => this.setSubscribed(true),
        () => this.setSubscribed(false),
      );
    });
    this.publisher.on('error', () => undefined);
    // Redis being down must not stop the api: it only runs without the cache (readiness reports Redis).
    await Promise.allSettled([this.subscriber.connect(), this.publisher.connect()]);
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  get active(): boolean {
    return this.subscribed;
  }

  async get<T>(scopeName: string, key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    if (!this.subscribed) return load();
    const scope = this.scope(scopeName);
    const hit = scope.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value as T;
    const generation = scope.generation;
    const value = await load();
    if (this.subscribed && this.scopes.get(scopeName) === scope && scope.generation === generation) {
      if (scope.entries.size >= MAX_KEYS_PER_SCOPE) scope.entries.clear();
      scope.entries.set(key, { value, expiresAt: Date.now() + READ_CACHE_TTL_MS });
    }
    return value;
  }

  /** Call after the change committed. Never throws: a failed publish is logged, and other replicas' TTL bounds it. */
  async invalidate(scopeName: string): Promise<void> {
    this.forget(scopeName);
    try {
      await this.publisher.publish(this.channel, scopeName);
    } catch (err) {
      this.logger.warn({ err, scope: scopeName }, 'could not publish a cache invalidation');
    }
  }

  private forget(scopeName: string): void {
    const scope = this.scopes.get(scopeName);
    if (!scope) return;
    scope.generation += 1;
    scope.entries.clear();
  }

  private scope(name: string): Scope {
    let scope = this.scopes.get(name);
    if (!scope) {
      if (this.scopes.size >= MAX_SCOPES) this.scopes.clear();
      scope = { generation: 0, entries: new Map() };
      this.scopes.set(name, scope);
    }
    return scope;
  }

  private setSubscribed(value: boolean): void {
    if (!value) this.scopes.clear();
    this.subscribed = value;
  }
}
