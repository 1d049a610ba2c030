// Client-side rate limit per cluster (a token bucket, like client-go's default QPS/burst): Cutover must stay a good
// citizen of every API server, however many deployments it runs at once.

export interface RateLimit {
  /** Sustained requests per second. */
  qps: number;
  /** Requests allowed at once after a quiet period. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { qps: 50, burst: 100 };

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  /** Milliseconds requests spent waiting for a token, summed (bench: how much of a tick is the limit). */
  waitedMs = 0;

  constructor(
    private readonly limit: RateLimit = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limit.burst;
    this.last = now();
  }

  /** Resolves when a request may be sent (in arrival order). */
  take(): Promise<void> {
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    const since = this.now();
    return new Promise((resolve) => {
      this.queue.push(() => {
        this.waitedMs += this.now() - since;
        resolve();
      });
      this.schedule();
    });
  }

  /** Requests waiting for a token. */
  get waiting(): number {
    return this.queue.length;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((t - this.last) / 1000) * this.limit.qps);
    this.last = t;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.limit.qps) * 1000));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refill();
      while (this.queue.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        this.queue.shift()!();
      }
      if (this.queue.length > 0) this.schedule();
    }, wait);
    this.timer.unref();
  }
}
