import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '@cutover/kube-sim';
import { kubeConfigFromCredentials } from '../credentials/cluster-credentials';
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
