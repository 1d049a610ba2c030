import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
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
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditSealer.name);
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;
  private stopped = false;
  /** Longest commit-to-sealed time of the last round that sealed anything (ms). */
  lastLagMs = 0;

  constructor(
    private readonly audit: AuditRepository,
    @Optional() @Inject(AUDIT_SEALER_OPTIONS) options?: AuditSealerOptions,
  ) {
    this.intervalMs = options?.intervalMs ?? DEFAULT_AUDIT_SEAL_INTERVAL_MS;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
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
      const result = await this.audit.seal();
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
