import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { type ApiConfig, CUTOVER_CONFIG } from '@cutover/config';
import { DomainError } from '@cutover/domain';
import { PrismaService } from '@cutover/persistence';

const PROBE_TIMEOUT_MS = 2_000;

export interface Readiness {
  status: 'ready';
  checks: { postgres: 'up'; redis: 'up' };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Readiness = both stores answer. Liveness needs nothing: a live process answers /healthz. */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(CUTOVER_CONFIG) config: ApiConfig,
  ) {
    // No offline queue and one try: a readiness probe must fail fast, not wait for a reconnect.
    this.redis = new Redis(config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: PROBE_TIMEOUT_MS });
    this.redis.on('error', () => undefined);
  }

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([this.probe(() => this.prisma.$queryRaw`SELECT 1`, 'Postgres'), this.probe(() => this.pingRedis(), 'Redis')]);
    const down = [...(postgres ? [] : ['postgres']), ...(redis ? [] : ['redis'])];
    if (down.length > 0) {
      throw new DomainError('UNAVAILABLE', `Not ready: ${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} unreachable.`, [], {
        down,
        checks: { postgres: postgres ? 'up' : 'down', redis: redis ? 'up' : 'down' },
      });
    }
    return { status: 'ready', checks: { postgres: 'up', redis: 'up' } };
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }

  private async pingRedis(): Promise<string> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
    return this.redis.ping();
  }

  private async probe(check: () => Promise<unknown>, what: string): Promise<boolean> {
    try {
      await withTimeout(check(), PROBE_TIMEOUT_MS, what);
      return true;
    } catch {
      return false;
    }
  }
}
