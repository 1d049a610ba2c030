import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '@cutover/kube-sim';
import { kubeConfigFromCredentials } from '../credentials/cluster-credentials';
import { KubeClient } from '../gateway/kube-client';
import type { KubeObject } from '../manifests/manifest.types';
import { OwnedObjectsWatch } from './owned-objects.watch';

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const service = (name: string, managed = true): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'w', labels: managed ? { 'app.kubernetes.io/managed-by': 'cutover', 'app.kubernetes.io/name': 'shop', 'cutover.dev/environment': 'prod' } : {} },
  spec: { selector: { a: 'b' }, ports: [{ port: 80 }] },
});

describe('OwnedObjectsWatch against the simulator', () => {
  let sim: KubeSim;
  let client: KubeClient;

  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, controllers: false });
    client = new KubeClient(kubeConfigFromCredentials({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig }));
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'w' } });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('caches what Cutover owns only, reports changes, and recovers when the server cuts the watches', async () => {
    const changes: string[] = [];
    await client.create(service('before'));
    const watch = new OwnedObjectsWatch(client, 'w', { retryMs: 50, onChange: (kind, o) => changes.push(`${kind}/${o.metadata.name}`) });
    try {
      await watch.synced;
      expect(watch.get('services', 'before')).toBeDefined();
      await client.create(service('unmanaged', false));
      await client.create(service('after'));
      await until('the new Service in the cache', () => watch.get('services', 'after') !== undefined);
      expect(watch.get('services', 'unmanaged')).toBeUndefined();
      expect(changes).toContain('services/after');

      expect(sim.faults.cutWatches()).toBeGreaterThan(0);
      await client.create(service('after-cut'));
      await until('a Service created after the cut', () => watch.get('services', 'after-cut') !== undefined);
    } finally {
      watch.stop();
    }
  });

  it('reports every list (the first one, and the relist after a restart): events missed meanwhile produced no change', async () => {
    const relists: string[] = [];
    const watch = new OwnedObjectsWatch(client, 'w', { retryMs: 50, onRelist: (kind) => relists.push(kind) });
    try {
      await watch.synced;
      expect(relists.filter((k) => k === 'services')).toHaveLength(1);
      watch.restartAll();
      await until('every kind listed again', () => relists.length >= 12);
      expect(new Set(relists)).toEqual(new Set(['deployments', 'pods', 'services', 'jobs', 'ingresses', 'httproutes']));
    } finally {
      watch.stop();
    }
  });

  it('replaces a watch that stayed quiet too long', async () => {
    const watch = new OwnedObjectsWatch(client, 'w', { quietMs: 200 });
    try {
      await watch.synced;
      await until('a restart of a quiet watch', () => watch.restarts > 0, 5_000);
      await client.create(service('after-quiet'));
      await until('the cache still follows the namespace', () => watch.get('services', 'after-quiet') !== undefined);
    } finally {
      watch.stop();
    }
  });

  it('hands out one app and environment at a time, following label changes and deletions', async () => {
    const labelled = (name: string, app: string, env: string): KubeObject => ({
      ...service(name),
      metadata: { name, namespace: 'w', labels: { 'app.kubernetes.io/managed-by': 'cutover', 'app.kubernetes.io/name': app, 'cutover.dev/environment': env } },
    });
    const watch = new OwnedObjectsWatch(client, 'w');
    const namesOf = (app: string, env: string) => watch.snapshotOf(app, env).services.map((o) => o.metadata.name).sort();
    try {
      await watch.synced;
      await client.create(labelled('cart-a', 'cart', 'prod'));
      await client.create(labelled('cart-b', 'cart', 'prod'));
      await client.create(labelled('cart-staging', 'cart', 'staging'));
      await client.create(labelled('pay-a', 'pay', 'prod'));
      await until('the four Services in the cache', () => watch.get('services', 'pay-a') !== undefined && watch.get('services', 'cart-staging') !== undefined && watch.get('services', 'cart-b') !== undefined);
      expect(namesOf('cart', 'prod')).toEqual(['cart-a', 'cart-b']);
      expect(namesOf('cart', 'staging')).toEqual(['cart-staging']);
      expect(watch.snapshotOf('cart', 'prod').deployments).toEqual([]);

      const moved = (await client.get('v1', 'Service', 'w', 'cart-b'))!;
      await client.replace({ ...moved, metadata: { ...moved.metadata, labels: { ...moved.metadata.labels, 'app.kubernetes.io/name': 'pay' } } });
      await client.remove('v1', 'Service', 'w', 'cart-a');
      await until('the relabel and the deletion in the cache', () => namesOf('pay', 'prod').length === 2 && watch.get('services', 'cart-a') === undefined);
      expect(namesOf('cart', 'prod')).toEqual([]);
      expect(namesOf('pay', 'prod')).toEqual(['cart-b', 'pay-a']);
    } finally {
      watch.stop();
    }
  });
});
