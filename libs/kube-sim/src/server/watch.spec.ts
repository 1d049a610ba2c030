// Watch over HTTP: ordering and completeness under load, resume, 410, bookmarks, timeouts, selectors, cuts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '../kube-sim';
import { startKubeSim } from '../kube-sim';
import { raw, rawWatch } from '../../test/sim-http.testing';
import type { WatchEvent } from '../../test/sim-http.testing';

const NS = 'watch-test';
const cmPath = `/api/v1/namespaces/${NS}/configmaps`;

function cm(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { v: '0' } };
}

const rvOf = (e: WatchEvent) => Number(e.object.metadata.resourceVersion);

describe('watch', () => {
  let sim: KubeSim;

  beforeAll(async () => {
    sim = await startKubeSim({ controllers: false, bookmarkIntervalMs: 100, historySize: 5000 });
    expect((await raw(sim, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } })).status).toBe(201);
  });
  afterAll(async () => { await sim?.stop(); });

  it('loses and reorders nothing across 1,000 writes with 20 watchers', async () => {
    const start = (await raw(sim, 'GET', cmPath)).json.metadata.resourceVersion;
    const watchers = Array.from({ length: 20 }, () => rawWatch(sim, `${cmPath}?watch=1&resourceVersion=${start}`));
    await Promise.all(watchers.map((w) => w.status));
    const writes: number[] = [];
    // 1,000 writes through HTTP: creates, updates and deletes, several in flight at once.
    for (let batch = 0; batch < 100; batch++) {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => {
        const n = batch * 10 + i;
        const name = `cm-${n % 150}`;
        const op = Math.floor(n / 150) % 3;
        if (op === 0) return raw(sim, 'POST', cmPath, { body: cm(name) });
        if (op === 1) return raw(sim, 'PATCH', `${cmPath}/${name}`, { body: { data: { v: String(n) } }, contentType: 'application/merge-patch+json' });
        return raw(sim, 'DELETE', `${cmPath}/${name}`);
      }));
      for (const r of results) {
        if (r.status !== 200 && r.status !== 201) throw new Error(`unexpected ${r.status}: ${r.text}`);
        writes.push(r.status);
      }
    }
    const total = Number(sim.store.currentResourceVersion()) - Number(start);
    expect(total).toBe(1000);
    for (const w of watchers) {
      await w.waitFor((ev) => ev.length >= 1000);
      const rvs = w.events.map(rvOf);
      expect(rvs).toHaveLength(1000);
      // Every resourceVersion exactly once, in order.
      expect(rvs).toEqual(Array.from({ length: 1000 }, (_, i) => Number(start) + 1 + i));
      w.close();
    }
    expect(writes).toHaveLength(1000);
  });

  it('resumes from a resourceVersion with exactly the later events', async () => {
    const a = await raw(sim, 'POST', cmPath, { body: cm('resume-a') });
    const b = await raw(sim, 'POST', cmPath, { body: cm('resume-b') });
    await raw(sim, 'DELETE', `${cmPath}/resume-a`);
    const w = rawWatch(sim, `${cmPath}?watch=true&resourceVersion=${a.json.metadata.resourceVersion}`);
    await w.waitFor((ev) => ev.length >= 2);
    expect(w.events.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:resume-b', 'DELETED:resume-a']);
    expect(rvOf(w.events[0])).toBe(Number(b.json.metadata.resourceVersion));
    await raw(sim, 'POST', cmPath, { body: cm('resume-c') });
    await w.waitFor((ev) => ev.length >= 3);
    expect(w.events[2].type).toBe('ADDED');
    w.close();
  });

  it('without resourceVersion sends synthetic ADDED for current objects, then live events', async () => {
    await raw(sim, 'POST', `/api/v1/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watch-fresh' } } });
    await raw(sim, 'POST', '/api/v1/namespaces/watch-fresh/configmaps', { body: cm('one') });
    const w = rawWatch(sim, '/api/v1/namespaces/watch-fresh/configmaps?watch=1');
    await w.waitFor((ev) => ev.length >= 1);
    await raw(sim, 'POST', '/api/v1/namespaces/watch-fresh/configmaps', { body: cm('two') });
    await w.waitFor((ev) => ev.length >= 2);
    expect(w.events.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:one', 'ADDED:two']);
    expect(w.events[0].object.kind).toBe('ConfigMap');
    w.close();
  });

  it('answers a too-old resourceVersion with one ERROR 410 event on a 200 stream', async () => {
    const small = await startKubeSim({ controllers: false, historySize: 3 });
    try {
      for (let i = 0; i < 5; i++) await raw(small, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm(`x${i}`) });
      const w = rawWatch(small, '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=2');
      expect(await w.status).toBe(200);
      expect(await w.ended).toBe('end');
      expect(w.events).toEqual([{ type: 'ERROR', object: {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
        message: `too old resource version: 2 (${small.store.oldestWatchableRv()})`, reason: 'Expired', code: 410,
      } }]);
    } finally {
      await small.stop();
    }
  });

  it('sends bookmarks periodically and before timeoutSeconds ends the stream', async () => {
    const rv = sim.store.currentResourceVersion();
    const w = rawWatch(sim, `${cmPath}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
    await w.waitFor((ev) => ev.some((e) => e.type === 'BOOKMARK'));
    await raw(sim, 'POST', cmPath, { body: cm('bookmarked') });
    expect(await w.ended).toBe('end');
    const bookmarks = w.events.filter((e) => e.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThanOrEqual(2);
    expect(bookmarks[0].object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: rv } });
    const last = bookmarks[bookmarks.length - 1];
    expect(Number(last.object.metadata.resourceVersion)).toBe(Number(sim.store.currentResourceVersion()));
  });

  it('sends no bookmarks unless allowed', async () => {
    const w = rawWatch(sim, `${cmPath}?watch=1&resourceVersion=${sim.store.currentResourceVersion()}&timeoutSeconds=1`);
    expect(await w.ended).toBe('end');
    expect(w.events.filter((e) => e.type === 'BOOKMARK')).toEqual([]);
  });

  it('applies label selectors: objects entering and leaving the selection become ADDED and DELETED', async () => {
    const rv = sim.store.currentResourceVersion();
    const w = rawWatch(sim, `${cmPath}?watch=1&resourceVersion=${rv}&labelSelector=${encodeURIComponent('tier in (front)')}`);
    await w.status;
    await raw(sim, 'POST', cmPath, { body: cm('sel', { tier: 'back' }) });
    await raw(sim, 'PATCH', `${cmPath}/sel`, { body: { metadata: { labels: { tier: 'front' } } }, contentType: 'application/merge-patch+json' });
    await raw(sim, 'PATCH', `${cmPath}/sel`, { body: { data: { v: '1' } }, contentType: 'application/merge-patch+json' });
    await raw(sim, 'PATCH', `${cmPath}/sel`, { body: { metadata: { labels: { tier: 'back' } } }, contentType: 'application/merge-patch+json' });
    await w.waitFor((ev) => ev.length >= 3);
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    w.close();
  });

  it('is cut, with the connection dropped, when faults cut watches', async () => {
    const w1 = rawWatch(sim, `${cmPath}?watch=1&resourceVersion=${sim.store.currentResourceVersion()}`);
    const w2 = rawWatch(sim, `/api/v1/pods?watch=1`);
    await Promise.all([w1.status, w2.status]);
    expect(sim.faults.cutWatches()).toBeGreaterThanOrEqual(2);
    expect(await w1.ended).toBe('error');
    expect(await w2.ended).toBe('error');
    // Through the admin endpoint as well.
    const w3 = rawWatch(sim, `${cmPath}?watch=1`);
    await w3.status;
    const res = await raw(sim, 'POST', '/_sim/faults', { body: { cutWatches: true } });
    expect(res.status).toBe(200);
    expect(await w3.ended).toBe('error');
  });
});
