import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { MemoryStore } from './memory-store';
import { RESOURCE_KEYS as K } from './resources';
import type { KubeObject, StoreEvent } from './store.types';

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) }, data,
});

const deployment = (name: string, replicas = 1): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
  spec: {
    replicas, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } },
  },
});

const pod = (name: string, nodeName?: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'x:1' }], terminationGracePeriodSeconds: 5, ...(nodeName ? { nodeName } : {}) },
});

function thrown(fn: () => unknown): ApiError {
  try { fn(); } catch (e) { if (e instanceof ApiError) return e; throw e; }
  throw new Error('expected an ApiError');
}

function record(store: MemoryStore): StoreEvent[] {
  const events: StoreEvent[] = [];
  store.subscribe((e) => events.push(e));
  return events;
}

describe('MemoryStore', () => {
  it('bootstraps default namespaces and keeps one resourceVersion counter for everything', () => {
    const s = new MemoryStore();
    expect(s.get(K.namespaces, undefined, 'default')?.status).toEqual({ phase: 'Active' });
    expect(s.get(K.namespaces, undefined, 'kube-system')).toBeDefined();
    const before = Number(s.currentResourceVersion());
    const a = s.create(K.configmaps, cm('a'));
    const d = s.create(K.deployments, deployment('web'));
    expect(Number(a.metadata.resourceVersion)).toBe(before + 1);
    expect(Number(d.metadata.resourceVersion)).toBe(before + 2);
    expect(s.currentResourceVersion()).toBe(String(before + 2));
  });

  it('sets uid, creationTimestamp, generation and resets status on create', () => {
    const s = new MemoryStore({ now: () => Date.parse('2026-11-29T22:53:49.750Z') });
    const d = s.create(K.deployments, { ...deployment('web'), status: { replicas: 9 } });
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata.creationTimestamp).toBe('2026-11-29T22:53:49Z');
    expect(d.metadata.generation).toBe(1);
    expect(d.status).toEqual({});
    expect(d.apiVersion).toBe('apps/v1');
    const c = s.create(K.configmaps, cm('c'));
    expect(c.metadata.generation).toBeUndefined();
  });

  it('names objects from generateName', () => {
    const s = new MemoryStore();
    const c = s.create(K.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '', generateName: 'web-', namespace: 'default' } });
    expect(c.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('bumps generation on spec changes only', () => {
    const s = new MemoryStore();
    s.create(K.deployments, deployment('web'));
    const labelled = s.mutate(K.deployments, 'default', 'web', (d) => { d.metadata.labels = { x: 'y' }; })!;
    expect(labelled.metadata.generation).toBe(1);
    const status = s.mutateStatus(K.deployments, 'default', 'web', (d) => { d.status = { observedGeneration: 1 }; })!;
    expect(status.metadata.generation).toBe(1);
    const scaled = s.mutate(K.deployments, 'default', 'web', (d) => { d.spec.replicas = 3; })!;
    expect(scaled.metadata.generation).toBe(2);
    expect(scaled.status).toEqual({ observedGeneration: 1 });
  });

  it('ignores status on update and spec on updateStatus', () => {
    const s = new MemoryStore();
    const d = s.create(K.deployments, deployment('web'));
    const upd = s.update(K.deployments, { ...d, status: { replicas: 5 } });
    expect(upd.status).toEqual({});
    const st = s.updateStatus(K.deployments, { ...d, metadata: { ...d.metadata, resourceVersion: undefined }, spec: { ...d.spec, replicas: 7 }, status: { replicas: 2 } });
    expect(st.spec.replicas).toBe(1);
    expect(st.status).toEqual({ replicas: 2 });
  });

  it('treats a write that changes nothing as a no-op', () => {
    const s = new MemoryStore();
    const events = record(s);
    const d = s.create(K.deployments, deployment('web'));
    const again = s.update(K.deployments, d);
    expect(again.metadata.resourceVersion).toBe(d.metadata.resourceVersion);
    expect(events).toHaveLength(1);
  });

  it('answers a stale resourceVersion with 409 Conflict worded as the apiserver', () => {
    const s = new MemoryStore();
    const d = s.create(K.deployments, deployment('web'));
    s.mutate(K.deployments, 'default', 'web', (x) => { x.spec.replicas = 2; });
    const err = thrown(() => s.update(K.deployments, d));
    expect(err.status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict', details: { name: 'web', group: 'apps', kind: 'deployments' }, code: 409,
    });
  });

  it('answers AlreadyExists and NotFound, and 404 for a missing namespace', () => {
    const s = new MemoryStore();
    s.create(K.deployments, deployment('web'));
    expect(thrown(() => s.create(K.deployments, deployment('web'))).status).toMatchObject({
      message: 'deployments.apps "web" already exists', reason: 'AlreadyExists', code: 409, details: { name: 'web', group: 'apps', kind: 'deployments' },
    });
    expect(thrown(() => s.update(K.configmaps, cm('nope'))).status).toMatchObject({ message: 'configmaps "nope" not found', code: 404, details: { name: 'nope', kind: 'configmaps' } });
    const inMissing = { ...cm('x'), metadata: { name: 'x', namespace: 'no-such-ns' } };
    expect(thrown(() => s.create(K.configmaps, inMissing)).status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'namespaces "no-such-ns" not found', reason: 'NotFound',
      details: { name: 'no-such-ns', kind: 'namespaces' }, code: 404,
    });
  });

  it('validates names as DNS-1123 subdomains with the apiserver wording', () => {
    const s = new MemoryStore();
    const err = thrown(() => s.create(K.deployments, deployment('Bad_Name')));
    expect(err.status.code).toBe(422);
    expect(err.status.message).toBe(`Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
    expect(err.status.details?.causes?.[0].field).toBe('metadata.name');
  });

  it('filters lists by namespace, labels and fields, sorted by namespace/name', () => {
    const s = new MemoryStore();
    s.create(K.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    s.create(K.configmaps, cm('b', {}, { app: 'web' }));
    s.create(K.configmaps, cm('a', {}, { app: 'api' }));
    s.create(K.configmaps, { ...cm('c', {}, { app: 'web' }), metadata: { name: 'c', namespace: 'other', labels: { app: 'web' } } });
    expect(s.list(K.configmaps).map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['default/a', 'default/b', 'other/c']);
    expect(s.list(K.configmaps, { namespace: 'default' }).map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(s.list(K.configmaps, { labelSelector: 'app=web' }).map((o) => o.metadata.name)).toEqual(['b', 'c']);
    expect(s.list(K.configmaps, { fieldSelector: 'metadata.namespace!=default' }).map((o) => o.metadata.name)).toEqual(['c']);
    s.create(K.pods, pod('p1', 'node-1'));
    s.create(K.pods, pod('p2'));
    expect(s.list(K.pods, { fieldSelector: 'spec.nodeName=node-1' }).map((o) => o.metadata.name)).toEqual(['p1']);
    expect(s.list(K.pods, { fieldSelector: 'status.phase=Pending' })).toHaveLength(2);
  });

  it('pages lists with continue tokens and rejects malformed ones like the apiserver', () => {
    const s = new MemoryStore();
    for (const n of ['a', 'b', 'c', 'd', 'e']) s.create(K.configmaps, cm(n));
    const p1 = s.listPage(K.configmaps, { namespace: 'default', limit: 2 });
    expect(p1.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(p1.remainingItemCount).toBe(3);
    const p2 = s.listPage(K.configmaps, { namespace: 'default', limit: 2, continue: p1.continue });
    expect(p2.items.map((o) => o.metadata.name)).toEqual(['c', 'd']);
    const p3 = s.listPage(K.configmaps, { namespace: 'default', limit: 2, continue: p2.continue });
    expect(p3.items.map((o) => o.metadata.name)).toEqual(['e']);
    expect(p3.continue).toBeUndefined();
    expect(thrown(() => s.listPage(K.configmaps, { limit: 1, continue: 'not-a-token' })).status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: "invalid continue token: continue key is not valid: invalid character '\\u009e' looking for beginning of value",
      reason: 'BadRequest', code: 400,
    });
  });

  it('lists at an exact older resourceVersion from history, and 410 once it is gone', () => {
    const s = new MemoryStore({ historySize: 5 });
    const a = s.create(K.configmaps, cm('a', { v: '1' }));
    s.mutate(K.configmaps, 'default', 'a', (o) => { o.data = { v: '2' }; });
    s.create(K.configmaps, cm('b'));
    const at = s.listPage(K.configmaps, { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    expect(at.items.map((o) => [o.metadata.name, (o.data as Record<string, string>).v])).toEqual([['a', '1']]);
    expect(at.resourceVersion).toBe(a.metadata.resourceVersion);
    for (let i = 0; i < 6; i++) s.create(K.configmaps, cm(`x${i}`));
    expect(thrown(() => s.listPage(K.configmaps, { resourceVersion: '1', resourceVersionMatch: 'Exact' })).status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'The resourceVersion for the provided list is too old.', reason: 'Expired', code: 410,
    });
  });

  it('deletes scheduled pods gracefully and unscheduled ones at once', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const s = new MemoryStore({ now: () => now });
    const events = record(s);
    s.create(K.pods, pod('bound', 'node-1'));
    s.create(K.pods, pod('pending'));
    const marked = s.delete(K.pods, 'default', 'bound')!;
    expect(marked.metadata.deletionTimestamp).toBe('2026-01-01T00:00:05Z');
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(5);
    expect(s.get(K.pods, 'default', 'bound')).toBeDefined();
    // A later status write by the kubelet must not complete the deletion.
    s.mutateStatus(K.pods, 'default', 'bound', (p) => { p.status.phase = 'Succeeded'; });
    expect(s.get(K.pods, 'default', 'bound')).toBeDefined();
    now += 1000;
    s.delete(K.pods, 'default', 'bound', { gracePeriodSeconds: 0 });
    expect(s.get(K.pods, 'default', 'bound')).toBeUndefined();
    s.delete(K.pods, 'default', 'pending');
    expect(s.get(K.pods, 'default', 'pending')).toBeUndefined();
    expect(events.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual([
      'ADDED:bound', 'ADDED:pending', 'MODIFIED:bound', 'MODIFIED:bound', 'DELETED:bound', 'DELETED:pending',
    ]);
    expect(s.delete(K.pods, 'default', 'gone')).toBeUndefined();
  });

  it('holds objects with finalizers until the last finalizer is removed', () => {
    const s = new MemoryStore();
    s.create(K.configmaps, { ...cm('f'), metadata: { name: 'f', namespace: 'default', finalizers: ['example.com/x'] } });
    const marked = s.delete(K.configmaps, 'default', 'f')!;
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    s.mutate(K.configmaps, 'default', 'f', (o) => { o.metadata.finalizers = []; });
    expect(s.get(K.configmaps, 'default', 'f')).toBeUndefined();
  });

  it('implements Foreground, Orphan and Background propagation at the API level', () => {
    const s = new MemoryStore();
    const owner = s.create(K.deployments, deployment('web'));
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
    s.create(K.configmaps, { ...cm('dep'), metadata: { name: 'dep', namespace: 'default', ownerReferences: [ref] } });

    const fg = s.delete(K.deployments, 'default', 'web', { propagationPolicy: 'Foreground' })!;
    expect(fg.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(fg.metadata.deletionTimestamp).toBeDefined();
    // The GC removes dependents, then the finalizer: the owner goes.
    s.delete(K.configmaps, 'default', 'dep');
    s.mutate(K.deployments, 'default', 'web', (d) => { d.metadata.finalizers = []; });
    expect(s.get(K.deployments, 'default', 'web')).toBeUndefined();

    const owner2 = s.create(K.deployments, deployment('api'));
    s.create(K.configmaps, { ...cm('dep2'), metadata: { name: 'dep2', namespace: 'default', ownerReferences: [{ ...ref, name: 'api', uid: owner2.metadata.uid! }] } });
    s.delete(K.deployments, 'default', 'api', { propagationPolicy: 'Orphan' });
    expect(s.get(K.deployments, 'default', 'api')).toBeUndefined();
    expect(s.get(K.configmaps, 'default', 'dep2')?.metadata.ownerReferences).toBeUndefined();

    const owner3 = s.create(K.deployments, deployment('bg'));
    s.create(K.configmaps, { ...cm('dep3'), metadata: { name: 'dep3', namespace: 'default', ownerReferences: [{ ...ref, name: 'bg', uid: owner3.metadata.uid! }] } });
    s.delete(K.deployments, 'default', 'bg');
    expect(s.get(K.deployments, 'default', 'bg')).toBeUndefined();
    // Background: the dependent is left for the garbage collector.
    expect(s.get(K.configmaps, 'default', 'dep3')?.metadata.ownerReferences).toHaveLength(1);
  });

  it('checks delete preconditions with the apiserver wording', () => {
    const s = new MemoryStore();
    const d = s.create(K.deployments, deployment('web'));
    const err = thrown(() => s.delete(K.deployments, 'default', 'web', { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } }));
    expect(err.status).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: `Operation cannot be fulfilled on Deployment.apps "web": the UID in the precondition (00000000-0000-0000-0000-000000000000) does not match the UID in record (${d.metadata.uid}). The object might have been deleted and then recreated`,
      reason: 'Conflict', details: { name: 'web', group: 'apps', kind: 'Deployment' }, code: 409,
    });
  });

  it('supports dry runs without persisting or bumping resourceVersion', () => {
    const s = new MemoryStore();
    const rv = s.currentResourceVersion();
    const d = s.create(K.deployments, deployment('dry'), { dryRun: true });
    expect(d.metadata.uid).toBeDefined();
    expect(d.metadata.resourceVersion).toBeUndefined();
    expect(s.get(K.deployments, 'default', 'dry')).toBeUndefined();
    expect(s.currentResourceVersion()).toBe(rv);
  });

  it('delivers events in resourceVersion order even when listeners write', () => {
    const s = new MemoryStore();
    const seen: number[] = [];
    s.subscribe((e) => {
      if (e.type === 'ADDED' && e.object.metadata.name === 'trigger') s.create(K.configmaps, cm('reaction'));
    });
    s.subscribe((e) => seen.push(Number(e.object.metadata.resourceVersion)));
    s.create(K.configmaps, cm('trigger'));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0] + 1);
  });

  it('hands out private copies and frozen event snapshots', () => {
    const s = new MemoryStore();
    let snapshot: KubeObject | undefined;
    s.subscribe((e) => { snapshot = e.object; });
    s.create(K.configmaps, cm('a', { k: 'v' }));
    const copy = s.get(K.configmaps, 'default', 'a')!;
    (copy.data as Record<string, string>).k = 'changed';
    expect((s.get(K.configmaps, 'default', 'a')!.data as Record<string, string>).k).toBe('v');
    expect(() => { (snapshot!.data as Record<string, string>).k = 'x'; }).toThrow(TypeError);
  });

  it('replays history for watch resume and reports expiry', () => {
    const s = new MemoryStore({ historySize: 3 });
    const from = Number(s.currentResourceVersion());
    s.create(K.configmaps, cm('a'));
    s.create(K.configmaps, cm('b'));
    const since = s.historySince(from);
    expect(since !== 'expired' && since.map((e) => e.object.metadata.name)).toEqual(['a', 'b']);
    s.create(K.configmaps, cm('c'));
    s.create(K.configmaps, cm('d'));
    expect(s.historySince(from)).toBe('expired');
  });

  it('terminates a namespace: content deleted, then the namespace removed', () => {
    const s = new MemoryStore();
    s.create(K.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } });
    s.create(K.configmaps, { ...cm('a'), metadata: { name: 'a', namespace: 'tmp' } });
    s.delete(K.namespaces, undefined, 'tmp');
    expect(s.get(K.configmaps, 'tmp', 'a')).toBeUndefined();
    expect(s.get(K.namespaces, undefined, 'tmp')).toBeUndefined();
  });
});
