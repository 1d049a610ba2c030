import type { SimClock } from './sim-clock';

interface Entry {
  due: number; // simulated ms
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export interface TimerHandle {
  cancel(): void;
}

/**
 * One wall-clock timer for every pending simulated action (a binary heap ordered by due time), so 10,000 pods
 * with several pending kubelet steps each cost one setTimeout, not tens of thousands.
 */
export class TimerQueue {
  private heap: Entry[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;
  /** Set while due entries wait for the controllers to catch up (see `gate`). */
  private held = false;
  /**
   * When it returns false, due entries wait: a simulated delay never elapses while controllers still have queued
   * work from the previous step, however loaded the machine is. Otherwise a CPU stall at a high time scale could
   * let several kubelet steps pass before a controller reacts to the first (a real controller is never that slow
   * compared with the delays it races).
   */
  gate: () => boolean = () => true;

  constructor(private readonly clock: SimClock) {}

  /** The controllers went idle: release held entries. */
  kick(): void {
    if (!this.held || this.stopped) return;
    this.held = false;
    setImmediate(() => this.fire());
  }

  /** Run fn after `simDelayMs` of simulated time. */
  after(simDelayMs: number, fn: () => void): TimerHandle {
    const entry: Entry = { due: this.clock.now() + Math.max(0, simDelayMs), seq: this.seq++, fn, cancelled: false };
    this.push(entry);
    this.arm();
    return { cancel: () => { entry.cancelled = true; } };
  }

  /** Run fn after a wall-clock delay (controller retry back-off is not simulated time). */
  afterReal(realDelayMs: number, fn: () => void): TimerHandle {
    return this.after(realDelayMs * this.clock.timeScale, fn);
  }

  get size(): number {
    return this.heap.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap = [];
  }

  private arm(): void {
    if (this.stopped) return;
    const top = this.heap[0];
    if (!top) return;
    if (this.timer && top.due >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = top.due;
    this.timer = setTimeout(() => this.fire(), this.clock.toReal(top.due - this.clock.now()));
    this.timer.unref?.();
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.clock.now();
    // Entries due within a few wall-clock milliseconds (at most 50 simulated ms) of each other happen together
    // (10,000 pods created at once have their steps due together); only distinct moments wait for the
    // controllers in between.
    let batchEnd = -Infinity;
    // Tolerate a millisecond of clock skew between setTimeout and Date.now.
    while (this.heap.length > 0 && this.heap[0]!.due <= now + this.clock.timeScale) {
      if (this.heap[0]!.due > batchEnd) {
        if (!this.gate()) {
          this.held = true;
          return;
        }
        batchEnd = this.heap[0]!.due + Math.min(5 * this.clock.timeScale, 50);
      }
      const e = this.pop()!;
      if (e.cancelled) continue;
      try {
        e.fn();
      } catch (err) {
        console.error('[kube-sim] timer action failed', err);
      }
      if (this.stopped) return;
    }
    this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
