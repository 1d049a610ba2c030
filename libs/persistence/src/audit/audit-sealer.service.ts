import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import type { PrismaClient } from '../generated/prisma/client';
import { createPrismaClient, PERSISTENCE_OPTIONS, type PersistenceOptions } from '../prisma/prisma.service';
import { AuditRepository } from './audit.repository';

export const AUDIT_SEALER_OPTIONS = Symbol('AUDIT_SEALER_OPTIONS');
export interface AuditSealerOptions {
  /** Milliseconds between sealing rounds (AUDIT_SEAL_INTERVAL_MS); 0 = this process never seals on its own. */
  intervalMs: number;
}
export const DEFAULT_AUDIT_SEAL_INTERVAL_MS = 100;

/**
 * Seals the audit chain a short while after entries commit (docs/adr/0014-audit-sealer.md). Every api and worker
 * process runs one; the advisory lock inside `AuditRepository.seal` lets one seal at a time, the others find it busy.
 * No NOTIFY from the writers: a notifying transaction takes a global lock at commit, the serialisation this replaces.
 * It seals over a connection of its own: under write load every pooled connection is busy with request
 * transactions, and a sealer queueing behind them for a connection is what made the lag grow to seconds.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditSealer.name);
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;
  private stopped = false;
  private own: PrismaClient | undefined;
  private chain: AuditRepository;
  /** Longest commit-to-sealed time of the last round that sealed anything (ms). */
  lastLagMs = 0;

  constructor(
    audit: AuditRepository,
    @Optional() @Inject(AUDIT_SEALER_OPTIONS) options?: AuditSealerOptions,
    @Optional() @Inject(PERSISTENCE_OPTIONS) connection?: PersistenceOptions,
  ) {
    this.intervalMs = options?.intervalMs ?? DEFAULT_AUDIT_SEAL_INTERVAL_MS;
    this.chain = audit;
    if (connection) {
      // Connects lazily, on the first round; two connections: the idle check and the sealing transaction.
      this.own = createPrismaClient({ databaseUrl: connection.databaseUrl, poolSize: 2 });
      this.chain = new AuditRepository(this.own);
    }
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.own?.$disconnect();
  }

  /**
   * Seals what is settled now: a round that starts after this call (one already running may have read before the
   * caller's entries committed). Resolves with the entries that round sealed; 0 when another process is sealing.
   */
  sealNow(): Promise<number> {
    if (!this.running) return this.start();
    this.queued ??= this.running.catch(() => 0).then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<number> {
    const round = this.round().finally(() => {
      if (this.running === round) this.running = undefined;
    });
    this.running = round;
    return round;
  }

  private async round(): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.chain.seal();
      total += result.sealed;
      if (result.sealed > 0) this.lastLagMs = result.maxLagMs;
      if (!result.more || this.stopped) return total;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sealNow()
        .catch((err: unknown) => {
          if (!this.stopped) this.logger.warn({ err }, 'audit sealing round failed; retrying on the next tick');
        })
        .finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }
}
