import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseSpec } from '@cutover/domain';
import { startKubeSim, type KubeSim } from '@cutover/kube-sim';
import { kubeConfigFromCredentials } from '../credentials/cluster-credentials';
import type { AppTarget, KubeObject } from '../manifests/manifest.types';
import { lostAnnotations } from '../watch/cached-object.mapper';
import { KubeClient, newMeter } from './kube-client';
import { KubeGateway } from './kube.gateway';

describe('KubeGateway capacity reads against the simulator', () => {
  let sim: KubeSim;
  const open: KubeGateway[] = [];
  const gateway = (ttlMs: number) => {
    const g = new KubeGateway('c1', new KubeClient(kubeConfigFromCredentials({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig })), () => ({}), ttlMs);
    open.push(g);
    return g;
  };

  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, nodes: 3 });
  });

  afterAll(async () => {
    for (const g of open) g.close();
    await sim?.stop();
  });

  it('serves ticks that ask at once, and within the TTL, from one pair of lists', async () => {
    const g = gateway(60_000);
    const meters = [newMeter(), newMeter(), newMeter()];
    const answers = await Promise.all(meters.map((m) => g.capacity(m)));
    const later = await g.capacity(meters[0]);
    expect(answers[0]!.pods).toBeGreaterThan(0);
    expect(answers[1]).toEqual(answers[0]);
    expect(later).toEqual(answers[0]);
    // Two lists (nodes, pods) in all, counted on the meter of the tick that sent them.
    expect(meters.reduce((n, m) => n + m.requests, 0)).toBe(2);
    expect(g.client.total).toBe(2);
  });

  it('reads again once the answer is older than the TTL', async () => {
    const g = gateway(0);
    await g.capacity();
    await g.capacity();
    expect(g.client.total).toBe(4);
  });
});

describe('KubeGateway with a trimmed watch cache, against the simulator', () => {
  let sim: KubeSim;
  let gateway: KubeGateway;
  const target: AppTarget = { app: 'shop', environment: 'prod', namespace: 'trim', servicePort: 80, serviceTargetPort: null, serviceTargetPortName: null };
  const spec = (image: string): ReleaseSpec => ({
    podSpec: { containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent' }], initContainers: [], volumes: [], terminationGracePeriodSeconds: 0 },
    podLabels: {},
    podAnnotations: {},
    hooks: { preDeploy: [] },
  });
  const releases = new Map([
    ['1.0.0', spec('shop:1')],
    ['2.0.0', spec('shop:2')],
  ]);
  const effect = (release: string) => ({ kind: 'ensureWorkload' as const, name: 'shop-stable', role: 'stable', release, replicas: 1, paused: false, updateStrategy: null });
  const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

  async function until<T>(what: string, read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, nodes: 1 });
    gateway = new KubeGateway('c1', new KubeClient(kubeConfigFromCredentials({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig })));
    await gateway.ensureNamespace('trim');
    await gateway.watchNamespace('trim').synced;
  });

  afterAll(async () => {
    gateway?.close();
    await sim?.stop();
  });

  it('caches the trimmed object, and a replace keeps the long annotation someone else set (read back first)', async () => {
    await gateway.apply(target, effect('1.0.0'), { release: '1.0.0', releases });
    // kubectl annotates the Deployment behind Cutover's back.
    const annotated = await gateway.client.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop-stable', namespace: 'trim', annotations: { [lastApplied]: JSON.stringify({ pad: 'x'.repeat(500) }), team: 'web' } } });
    const cached = await until('the annotated Deployment in the cache', () => {
      const o = gateway.watchNamespace('trim').get('deployments', 'shop-stable');
      return o && Number(o.metadata.resourceVersion) >= Number(annotated.metadata.resourceVersion) ? o : undefined;
    });
    expect(cached.spec).not.toHaveProperty('template');
    expect(cached.metadata.annotations).not.toHaveProperty(lastApplied);
    expect(cached.metadata.annotations).toHaveProperty('team', 'web');
    expect(lostAnnotations(cached)).toBe(true);

    const meter = newMeter();
    await gateway.apply(target, effect('2.0.0'), { release: '2.0.0', releases, meter });
    // One read of the whole object, one replace.
    expect(meter.requests).toBe(2);
    const live = (await gateway.client.get('apps/v1', 'Deployment', 'trim', 'shop-stable')) as KubeObject;
    expect(live.metadata.annotations).toMatchObject({ [lastApplied]: JSON.stringify({ pad: 'x'.repeat(500) }), team: 'web', 'cutover.dev/release': '2.0.0' });
    expect(((live.spec!.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!).image).toBe('shop:2');

    // The observation of the trimmed cache still sees the workload and its pod (names, readiness, release).
    const observation = await until('the new pod ready', () => {
      const cache = gateway.watchNamespace('trim').snapshotOf('shop', 'prod');
      return cache.pods.some((p) => p.metadata.annotations?.['cutover.dev/release'] === '2.0.0' && (p.status?.conditions as Array<{ type: string; status: string }> | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True')) ? cache : undefined;
    });
    expect(observation.pods.every((p) => Object.keys(p.spec ?? {}).every((k) => k === 'containers' || k === 'initContainers'))).toBe(true);
  });
});
