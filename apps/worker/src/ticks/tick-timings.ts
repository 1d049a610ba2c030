// Where a tick's time goes, summed per stage (bench:rollouts prints it): a slow step at scale is either waiting
// (queue, rate limit, pool) or working, and the sums tell which.

export interface StageTiming {
  count: number;
  totalMs: number;
  maxMs: number;
}

export class TickTimings {
  private readonly stages = new Map<string, StageTiming>();
  /** Told of every timing too (the worker's metrics). */
  observer: ((stage: string, ms: number) => void) | null = null;

  record(stage: string, ms: number): void {
    this.observer?.(stage, ms);
    let s = this.stages.get(stage);
    if (!s) {
      s = { count: 0, totalMs: 0, maxMs: 0 };
      this.stages.set(stage, s);
    }
    s.count += 1;
    s.totalMs += ms;
    if (ms > s.maxMs) s.maxMs = ms;
  }

  /** Times `work` as `stage` (also when it throws). */
  async time<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.record(stage, performance.now() - t0);
    }
  }

  snapshot(): Record<string, StageTiming> {
    return Object.fromEntries([...this.stages].map(([k, v]) => [k, { ...v }]));
  }

  clear(): void {
    this.stages.clear();
  }
}
