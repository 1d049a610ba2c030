// API details over raw HTTP: deletecollection, sendInitialEvents, validation wording, server-side apply, tables, routing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '../kube-sim';
import { startKubeSim } from '../kube-sim';
import { raw, rawTextStream, rawWatch } from '../../test/sim-http.testing';

const ns = 'behaviour';
const deploy = (name: string, containers: unknown[]) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
});

describe('API behaviour', () => {
  let sim: KubeSim;

  beforeAll(async () => {
    sim = await startKubeSim({ controllers: false });
    await raw(sim, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
  });
  afterAll(async () => { await sim?.stop(); });

  it('deletes a collection by label selector and returns the deleted items', async () => {
    for (const [name, tier] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) {
      await raw(sim, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { metadata: { name, labels: { tier } } } });
    }
    const res = await raw(sim, 'DELETE', `/api/v1/namespaces/${ns}/configmaps?labelSelector=tier%3Dx`);
    expect(res.status).toBe(200);
    expect(res.json.kind).toBe('ConfigMapList');
    expect(res.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a', 'b']);
    const left = await raw(sim, 'GET', `/api/v1/namespaces/${ns}/configmaps`);
    expect(left.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c']);
  });

  it('answers sendInitialEvents with ADDED for the current state and a bookmark marking their end', async () => {
    const w = rawWatch(sim, `/api/v1/namespaces/${ns}/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    await w.waitFor((ev) => ev.some((e) => e.type === 'BOOKMARK'));
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(w.events[1].object.metadata).toEqual({
      resourceVersion: sim.store.currentResourceVersion(), annotations: { 'k8s.io/initial-events-end': 'true' },
    });
    w.close();
  });

  it('words validation errors as the apiserver: duplicate container names, Recreate with rollingUpdate, Job restartPolicy', async () => {
    const dup = await raw(sim, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
      body: deploy('dup', [{ name: 'web', image: 'a:1' }, { name: 'web', image: 'b:1' }]),
    });
    expect(dup.status).toBe(422);
    expect(dup.json.message).toBe('Deployment.apps "dup" is invalid: spec.template.spec.containers[1].name: Duplicate value: "web"');
    expect(dup.json.details.causes).toEqual([{ reason: 'FieldValueDuplicate', message: 'Duplicate value: "web"', field: 'spec.template.spec.containers[1].name' }]);

    const noImage = await raw(sim, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, { body: deploy('noimage', [{ name: 'web' }]) });
    expect(noImage.json.message).toBe('Deployment.apps "noimage" is invalid: spec.template.spec.containers[0].image: Required value');

    const recreate = deploy('recreate', [{ name: 'web', image: 'a:1' }]) as any;
    recreate.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } };
    const rec = await raw(sim, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, { body: recreate });
    expect(rec.json.message).toBe("Deployment.apps \"recreate\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'");

    const job = await raw(sim, 'POST', `/apis/batch/v1/namespaces/${ns}/jobs`, {
      body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'm', image: 'm:1' }] } } } },
    });
    expect(job.json.message).toBe('Job.batch "j" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');
  });

  it('keeps a pod spec immutable except images', async () => {
    await raw(sim, 'POST', `/api/v1/namespaces/${ns}/pods`, { body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'c:1' }] } } });
    const image = await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/pods/p`, {
      body: { spec: { containers: [{ name: 'c', image: 'c:2' }] } }, contentType: 'application/strategic-merge-patch+json',
    });
    expect(image.status).toBe(200);
    const env = await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/pods/p`, {
      body: { spec: { containers: [{ name: 'c', env: [{ name: 'A', value: '1' }] }] } }, contentType: 'application/strategic-merge-patch+json',
    });
    expect(env.status).toBe(422);
    expect(env.json.details.causes[0]).toMatchObject({ reason: 'FieldValueForbidden', field: 'spec' });
  });

  it('follows a pod log as its container status changes, until the pod is deleted', async () => {
    await raw(sim, 'POST', `/api/v1/namespaces/${ns}/pods`, { body: { metadata: { name: 'logged' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'c:1' }] } } });
    const running = (ready: boolean) => ({ status: { phase: 'Running', containerStatuses: [{ name: 'c', image: 'c:1', imageID: '', restartCount: 0, ready, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] } });
    await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/pods/logged/status`, { body: running(false), contentType: 'application/merge-patch+json' });
    const log = rawTextStream(sim, `/api/v1/namespaces/${ns}/pods/logged/log?follow=true`);
    await log.waitFor((lines) => lines.length === 1);
    expect(log.events[0]).toBe('2026-01-01T00:00:00Z kube-sim: container c started (image c:1)');
    await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/pods/logged/status`, { body: running(true), contentType: 'application/merge-patch+json' });
    await log.waitFor((lines) => lines.length === 2);
    expect(log.events[1]).toContain('c is ready');
    await raw(sim, 'DELETE', `/api/v1/namespaces/${ns}/pods/logged?gracePeriodSeconds=0`);
    expect(await log.ended).toBe('end');
  });

  it('server-side applies (create, then update) with a field manager', async () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
    const created = await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/ssa?fieldManager=test`, { body: manifest, contentType: 'application/apply-patch+yaml' });
    expect(created.status).toBe(201);
    const updated = await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/ssa?fieldManager=test`, { body: manifest.replace('"1"', '"2"'), contentType: 'application/apply-patch+yaml' });
    expect(updated.status).toBe(200);
    expect(updated.json.data).toEqual({ a: '2' });
    const noManager = await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/ssa`, { body: manifest, contentType: 'application/apply-patch+yaml' });
    expect(noManager.status).toBe(400);

    // Another writer adds a key; the manager then applies a configuration without its own former key.
    await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/ssa`, { body: { data: { other: 'x' } }, contentType: 'application/merge-patch+json' });
    const dropped = await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/ssa?fieldManager=test`, {
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  b: "3"\n', contentType: 'application/apply-patch+yaml',
    });
    expect(dropped.json.data).toEqual({ b: '3', other: 'x' });
  });

  it('serves Tables to kubectl-style Accept headers', async () => {
    const res = await raw(sim, 'GET', '/api/v1/namespaces', { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    expect(res.json.kind).toBe('Table');
    expect(res.json.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(res.json.rows.map((r: { cells: unknown[] }) => r.cells[0])).toEqual(expect.arrayContaining(['default', ns]));
    expect(res.json.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('tallies the requests it answered by namespace and verb (watches once), and starts over on reset', async () => {
    const tallied = 'tally';
    await raw(sim, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: tallied } } });
    sim.requests(true);
    await raw(sim, 'POST', `/api/v1/namespaces/${tallied}/configmaps`, { body: { metadata: { name: 'one' } } });
    await raw(sim, 'GET', `/api/v1/namespaces/${tallied}/configmaps/one`);
    await raw(sim, 'GET', '/apis/apps/v1/deployments');
    const w = rawWatch(sim, `/api/v1/namespaces/${tallied}/configmaps?watch=1`);
    await w.waitFor((events) => events.length > 0);
    w.close();
    await raw(sim, 'GET', '/version');
    expect(sim.requests(true)).toEqual({ total: 4, byNamespace: { [tallied]: 3, '': 1 }, byVerb: { post: 1, get: 2, watch: 1 } });
    expect(sim.requests().total).toBe(0);
  });

  it('routes like the apiserver: unknown group, unknown subresource, collection verbs', async () => {
    expect((await raw(sim, 'GET', '/apis/nope.example/v1/things')).status).toBe(404);
    expect((await raw(sim, 'GET', `/api/v1/namespaces/${ns}/configmaps/c/scale`)).status).toBe(404);
    expect((await raw(sim, 'PATCH', `/api/v1/namespaces/${ns}/configmaps`, { body: {}, contentType: 'application/merge-patch+json' })).status).toBe(405);
    expect((await raw(sim, 'GET', `/api/v1/configmaps`)).json.items.length).toBeGreaterThan(0);
    const legacyWatch = rawWatch(sim, `/api/v1/watch/namespaces/${ns}/configmaps/c`);
    await legacyWatch.waitFor((ev) => ev.length === 1);
    expect(legacyWatch.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'c' } } });
    legacyWatch.close();
  });
});
