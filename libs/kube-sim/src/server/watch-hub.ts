// One store subscription for every open watch, fanned out by resource type: a watch of ConfigMaps is not even called
// for the thousands of Pod events of a busy cluster.
import type { MemoryStore } from '../store/memory-store';
import { resourceId } from '../store/resources';
import type { HistoryEntry } from '../store/watch-history';

export class WatchHub {
  private readonly byResource = new Map<string, Set<(e: HistoryEntry) => void>>();
  private unsubscribe?: () => void;

  constructor(private readonly store: MemoryStore) {}

  /** Calls `fn` for every store event of resource type `rid` (resources.ts resourceId), in resourceVersion order. */
  subscribe(rid: string, fn: (e: HistoryEntry) => void): () => void {
    let set = this.byResource.get(rid);
    if (!set) this.byResource.set(rid, (set = new Set()));
    set.add(fn);
    this.unsubscribe ??= this.store.subscribeEntries((e) => this.fanOut(e));
    return () => {
      set.delete(fn);
      if (set.size === 0) this.byResource.delete(rid);
    };
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.byResource.clear();
  }

  private fanOut(e: HistoryEntry): void {
    const set = this.byResource.get(e.rid ?? resourceId(e.resource));
    if (!set) return;
    for (const fn of set) fn(e);
  }
}
