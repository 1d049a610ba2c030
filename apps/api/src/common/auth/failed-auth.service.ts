import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { type ApiConfig, CUTOVER_CONFIG } from '@cutover/config';
import { type Actor, DomainError } from '@cutover/domain';
import { type AuditInput, AuditRepository } from '@cutover/persistence';
import { TokenAuthService } from './token-auth.service';

const THROTTLER_NAME = 'failed-auth';

interface Caller {
  headers: { authorization?: string | string[] };
  ip?: string;
}

interface RefusalWindow {
  startedAt: number;
  endsAt: number;
  /** Refusals after the first one of the window, written as one row when it ends. */
  more: number;
  last: AuditInput;
}

function addressOf(caller: Caller): string {
  return caller.ip ?? 'unknown';
}

/** 429 with the seconds to wait (rendered as Retry-After by the REST filter and the GraphQL context). */
export function tooManyFailedAuthentications(retryAfterSeconds: number): DomainError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new DomainError('TOO_MANY_REQUESTS', `Too many failed authentications from this address; try again in ${seconds} s with a valid token.`, [], {
    retryAfterSeconds: seconds,
  });
}

/**
 * Failed authentication, bounded per client address:
 * - Rate limit (@nestjs/throttler's storage): after `limit` failures within `windowMs`, the address gets 429 with
 *   Retry-After for a window, without its tokens even being looked up. Tokens this replica already verified keep
 *   working (they never reach this path). The count is per api replica.
 * - Audit aggregation: the first refusal of an address in a window is written at once (with its request id); the
 *   rest of that window become one row with their count when the window ends (or the api stops), so a flood of
 *   wrong tokens costs at most two append-only rows per address and window.
 */
@Injectable()
export class FailedAuthentications implements OnApplicationShutdown {
  private readonly logger = new Logger(FailedAuthentications.name);
  private readonly windows = new Map<string, RefusalWindow>();
  private readonly limit: number;
  private readonly windowMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CUTOVER_CONFIG) config: ApiConfig,
    private readonly storage: ThrottlerStorageService,
    private readonly tokens: TokenAuthService,
    private readonly audit: AuditRepository,
  ) {
    this.limit = config.authFailureLimit.limit;
    this.windowMs = config.authFailureLimit.windowMs;
  }

  /**
   * The caller's actor (by its bearer token, or by `how`, e.g. a stream ticket); UNAUTHENTICATED, or
   * TOO_MANY_REQUESTS once the caller's address failed too often.
   */
  async authenticate(caller: Caller, how: () => Promise<Actor> = () => this.tokens.authenticate(caller.headers.authorization)): Promise<Actor> {
    const address = addressOf(caller);
    const record = this.storage.storage.get(address);
    if (record?.isBlocked && record.blockExpiresAt > Date.now()) throw tooManyFailedAuthentications((record.blockExpiresAt - Date.now()) / 1000);
    try {
      return await how();
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'UNAUTHENTICATED') throw error;
      const counted = await this.storage.increment(address, this.windowMs, this.limit, this.windowMs, THROTTLER_NAME);
      if (counted.isBlocked) throw tooManyFailedAuthentications(counted.timeToBlockExpire);
      throw error;
    }
  }

  /** Whether a refusal is one of those aggregated here (failed authentication), not an authenticated 403. */
  aggregates(error: DomainError): boolean {
    return error.code === 'UNAUTHENTICATED' || error.code === 'TOO_MANY_REQUESTS';
  }

  /** Audits one refused authentication: see the class comment. */
  async record(entry: AuditInput, now = Date.now()): Promise<void> {
    const address = entry.clientAddress ?? 'unknown';
    const open = this.windows.get(address);
    if (open && now < open.endsAt) {
      open.more += 1;
      open.last = entry;
      return;
    }
    if (open) await this.flush(address, open);
    this.windows.set(address, { startedAt: now, endsAt: now + this.windowMs, more: 0, last: entry });
    this.ensureTimer();
    await this.audit.appendStandalone(entry);
  }

  /** Writes the count rows of every window that has ended (all of them when `all`). */
  async flushEnded(all = false, now = Date.now()): Promise<void> {
    for (const [address, window] of [...this.windows]) {
      if (all || now >= window.endsAt) await this.flush(address, window);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushEnded(true);
  }

  private async flush(address: string, window: RefusalWindow): Promise<void> {
    if (this.windows.get(address) === window) this.windows.delete(address);
    if (window.more === 0) return;
    const from = new Date(window.startedAt).toISOString();
    const to = new Date(Math.min(window.endsAt, Date.now())).toISOString();
    try {
      await this.audit.appendStandalone({
        ...window.last,
        action: 'auth.refused',
        reason: `${window.more} more refused authentication attempts from ${address} between ${from} and ${to} (one row per address and window); last: ${window.last.reason ?? ''}`,
      });
    } catch (err) {
      this.logger.error({ err, address, count: window.more }, 'could not audit aggregated refusals');
    }
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.flushEnded();
      if (this.windows.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, Math.min(this.windowMs, 60_000));
    this.timer.unref();
  }
}
