import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './watch-history';
import { WatchHistory } from './watch-history';

const entry = (rv: number): HistoryEntry => ({
  rv, type: 'ADDED', resource: { group: '', version: 'v1', resource: 'configmaps' },
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${rv}`, resourceVersion: String(rv) } },
});

describe('WatchHistory', () => {
  it('replays events after a resourceVersion and expires once they were dropped', () => {
    const h = new WatchHistory(3);
    for (let rv = 2; rv <= 6; rv++) h.append(entry(rv));
    // kept: 4, 5, 6
    expect(h.oldestRv()).toBe(4);
    expect(h.since(3, 6)).not.toBe('expired');
    expect((h.since(3, 6) as HistoryEntry[]).map((e) => e.rv)).toEqual([4, 5, 6]);
    expect((h.since(5, 6) as HistoryEntry[]).map((e) => e.rv)).toEqual([6]);
    expect(h.since(6, 6)).toEqual([]);
    expect(h.since(2, 6)).toBe('expired');
    expect([...h.newestFirst()].map((e) => e.rv)).toEqual([6, 5, 4]);
  });
});
