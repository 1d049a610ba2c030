// Replays every recorded request of libs/kube-sim/test/traces/errors.json against the simulator and compares the answers
// (status code, and the whole metav1.Status body; 201 bodies by content minus server-generated values).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '../kube-sim';
import { startKubeSim } from '../kube-sim';
import { RESOURCE_KEYS } from '../store/resources';
import { TRACE_DIR } from '../traces/trace-format';
import { raw, rawWatch } from '../../test/sim-http.testing';

interface Case {
  name: string;
  request: { method: string; path: string; contentType?: string | null; auth: string; body?: unknown };
  response: { status: number; body?: any; firstEvent?: any };
}

const recorded: { cases: Case[] } = JSON.parse(readFileSync(resolve(TRACE_DIR, 'errors.json'), 'utf8'));
const byName = new Map(recorded.cases.map((c) => [c.name, c]));

function kase(name: string): Case {
  const c = byName.get(name);
  if (!c) throw new Error(`errors.json has no case ${name}`);
  return c;
}

function send(sim: KubeSim, c: Case) {
  const body = c.request.body;
  return raw(sim, c.request.method, c.request.path, {
    body,
    contentType: c.request.contentType ?? undefined,
  });
}

/** Removes what the server generates (uid, resourceVersion, timestamps, managedFields). */
function normalize(o: any): any {
  const copy = structuredClone(o);
  delete copy.metadata.uid;
  delete copy.metadata.resourceVersion;
  delete copy.metadata.creationTimestamp;
  delete copy.metadata.managedFields;
  return copy;
}

describe('recorded apiserver errors (errors.json)', () => {
  let sim: KubeSim;

  beforeAll(async () => {
    // Small history so that resourceVersion 1 is compacted, as on the recording cluster.
    sim = await startKubeSim({ controllers: false, historySize: 20 });
    sim.store.create(RESOURCE_KEYS.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'trace-errors' } });
  });
  afterAll(async () => { await sim?.stop(); });

  it.each([
    'invalid-name', 'invalid-selector-mismatch', 'invalid-replicas-and-surge', 'namespace-not-found', 'namespace-mismatch',
    'bad-request-json', 'field-validation-strict', 'not-found', 'not-found-delete', 'method-not-allowed', 'unknown-resource',
  ])('%s: same status and body', async (name) => {
    const c = kase(name);
    const res = await send(sim, c);
    expect(res.status).toBe(c.response.status);
    expect(res.json).toEqual(c.response.body);
  });

  it('create-ok and dry-run-ok: same defaults, generation and empty status; dry run leaves nothing behind', async () => {
    const dry = kase('dry-run-ok');
    const dryRes = await send(sim, dry);
    expect(dryRes.status).toBe(201);
    expect(normalize(dryRes.json)).toEqual(normalize(dry.response.body));
    expect(dryRes.json.metadata.resourceVersion).toBeUndefined();
    expect(dryRes.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await raw(sim, 'GET', '/apis/apps/v1/namespaces/trace-errors/deployments/dry')).status).toBe(404);

    const ok = kase('create-ok');
    const res = await send(sim, ok);
    expect(res.status).toBe(201);
    expect(normalize(res.json)).toEqual(normalize(ok.response.body));
    expect(res.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('already-exists', async () => {
    const c = kase('already-exists');
    const res = await send(sim, c);
    expect(res.status).toBe(409);
    expect(res.json).toEqual(c.response.body);
  });

  it('conflict-stale-resourceversion: PUT with the resourceVersion from before another write', async () => {
    const c = kase('conflict-stale-resourceversion');
    const before = (await raw(sim, 'GET', c.request.path)).json;
    const bump = await raw(sim, 'PATCH', c.request.path, { body: { metadata: { annotations: { touched: 'yes' } } }, contentType: 'application/merge-patch+json' });
    expect(bump.status).toBe(200);
    const res = await raw(sim, 'PUT', c.request.path, { body: before });
    expect(res.status).toBe(409);
    expect(res.json).toEqual(c.response.body);
  });

  it('conflict-uid-precondition: message names the real uid', async () => {
    const c = kase('conflict-uid-precondition');
    const current = (await raw(sim, 'GET', c.request.path)).json;
    const res = await send(sim, c);
    expect(res.status).toBe(409);
    const expected = structuredClone(c.response.body);
    expected.message = expected.message.replace('a1e52450-a178-430e-8fa6-f64ddc34063d', current.metadata.uid);
    expect(res.json).toEqual(expected);
  });

  it.each(['immutable-selector', 'unsupported-patch-type', 'bad-json-patch', 'scale-invalid'])('%s: same status and body', async (name) => {
    const c = kase(name);
    const res = await send(sim, c);
    expect(res.status).toBe(c.response.status);
    expect(res.json).toEqual(c.response.body);
  });

  it('unauthorized: a token the server does not know', async () => {
    const c = kase('unauthorized');
    const res = await raw(sim, c.request.method, c.request.path, { token: 'not-the-token' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual(c.response.body);
  });

  it('forbidden: same shape as the recorded RBAC denial, for system:anonymous (no token)', async () => {
    const c = kase('forbidden');
    const res = await raw(sim, c.request.method, c.request.path, { token: null, body: c.request.body });
    expect(res.status).toBe(403);
    const expected = structuredClone(c.response.body);
    expected.message = expected.message.replace('system:kube-scheduler', 'system:anonymous');
    expect(res.json).toEqual(expected);
  });

  it('list-bad-continue', async () => {
    const c = kase('list-bad-continue');
    const res = await send(sim, c);
    expect(res.status).toBe(400);
    expect(res.json).toEqual(c.response.body);
  });

  it('list-exact-too-old and watch-too-old-resourceversion once resourceVersion 1 is out of the window', async () => {
    for (let i = 0; i < 25; i++) {
      sim.store.create(RESOURCE_KEYS.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `filler-${i}`, namespace: 'trace-errors' } });
    }
    const list = kase('list-exact-too-old');
    const res = await send(sim, list);
    expect(res.status).toBe(410);
    expect(res.json).toEqual(list.response.body);

    const wc = kase('watch-too-old-resourceversion');
    const w = rawWatch(sim, wc.request.path);
    expect(await w.status).toBe(200);
    expect(await w.ended).toBe('end');
    expect(w.events).toHaveLength(1);
    const expected = structuredClone(wc.response.firstEvent);
    const oldest = sim.store.oldestWatchableRv();
    expected.object.message = `too old resource version: 1 (${oldest})`;
    expect(w.events[0]).toEqual(expected);
  });
});
