// The watch cache: the last N store events, so a watch can resume from a resourceVersion (or be told 410 Expired).
import type { StoreEvent } from './store.types';

export interface HistoryEntry extends StoreEvent {
  /** resourceVersion of this change (the object's metadata.resourceVersion) as a number. */
  rv: number;
  /** resources.ts resourceId of `resource` ("apps/deployments"), precomputed for the watch fan-out. */
  rid?: string;
  /** Lazily cached `{"type":…,"object":…}\n` bytes, shared by every watcher that sends this event. */
  payload?: Buffer;
}

export class WatchHistory {
  private readonly buf: (HistoryEntry | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error('watch history capacity must be at least 1');
    this.buf = new Array<HistoryEntry | undefined>(capacity);
  }

  append(e: HistoryEntry): void {
    if (this.size < this.capacity) {
      this.buf[(this.start + this.size) % this.capacity] = e;
      this.size++;
    } else {
      this.buf[this.start] = e;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** resourceVersion of the oldest kept event, or undefined when empty. */
  oldestRv(): number | undefined {
    return this.size ? this.buf[this.start]!.rv : undefined;
  }

  /**
   * Every kept event with rv > fromRv, oldest first; or 'expired' when events after fromRv were already dropped.
   * `storeRv` is the store's current resourceVersion (any rv ≥ it has nothing to replay).
   */
  since(fromRv: number, storeRv: number): HistoryEntry[] | 'expired' {
    if (fromRv >= storeRv) return [];
    const oldest = this.oldestRv();
    // Every write bumps the store rv by one and records one event, so events fromRv+1..storeRv must all still be here.
    if (oldest === undefined || fromRv + 1 < oldest) return 'expired';
    const out: HistoryEntry[] = [];
    // Binary search would be faster; a linear scan from the tail is fine for the usual "a few events behind" resume.
    let i = this.size - 1;
    while (i >= 0 && this.at(i).rv > fromRv) i--;
    for (let j = i + 1; j < this.size; j++) out.push(this.at(j));
    return out;
  }

  /** Newest first iteration, for reconstructing an older list state. */
  *newestFirst(): Generator<HistoryEntry> {
    for (let i = this.size - 1; i >= 0; i--) yield this.at(i);
  }

  private at(i: number): HistoryEntry {
    return this.buf[(this.start + i) % this.capacity]!;
  }
}
