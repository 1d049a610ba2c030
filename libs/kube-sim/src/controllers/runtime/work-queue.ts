import type { TimerQueue } from './timer-queue';

/**
 * A controller work queue as client-go has it: a key added many times before it is processed is synced once;
 * a key added while it is being synced is synced again afterwards. Syncs run off the store's event callback
 * (setImmediate), so a controller never writes from inside another write's notification.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  /** Consecutive failures per key: client-go's per-item exponential back-off (5 ms doubling, capped). */
  private readonly failures = new Map<string, number>();
  private scheduled = false;
  private stopped = false;
  /** Called whenever a drain leaves nothing pending. */
  onIdle: () => void = () => {};

  constructor(
    private readonly name: string,
    private readonly sync: (key: string) => void,
    private readonly timers: TimerQueue,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Requeue after a simulated delay (resync for minReadySeconds, progress deadlines, back-off). */
  addAfter(key: string, simDelayMs: number): void {
    if (this.stopped) return;
    this.timers.after(simDelayMs, () => this.add(key));
  }

  get busy(): boolean {
    return this.scheduled || this.pending.size > 0;
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = false;
    // Keys added during this drain are picked up by the next setImmediate, which lets other controllers run in between.
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.sync(key);
        this.failures.delete(key);
      } catch (err) {
        // A conflict or a vanished object: retry shortly, backing off per key as client-go's rate limiter does.
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        if (!isBenign(err) && n === 1) console.error(`[kube-sim] ${this.name} sync ${key} failed`, err);
        this.timers.afterReal(Math.min(5 * 2 ** (n - 1), 30_000), () => this.add(key));
      }
    }
    if (!this.busy) this.onIdle();
  }
}

function isBenign(err: unknown): boolean {
  const code = (err as { status?: { code?: number }; code?: number } | undefined)?.status?.code ?? (err as { code?: number })?.code;
  // 403: the namespace is terminating; the object will be gone shortly.
  return code === 404 || code === 409 || code === 403;
}
