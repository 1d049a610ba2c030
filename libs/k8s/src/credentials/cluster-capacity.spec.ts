import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RESOURCE_KEYS, startKubeSim, type KubeSim } from '@cutover/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClusterCapacity } from './cluster-capacity';

describe('readClusterCapacity (against the simulator)', () => {
  let sim: KubeSim;
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, nodes: 2 });
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    silent.close();
    await sim.stop();
  });

  it('sums the nodes allocatable and takes off the requests of the pods bound to them', async () => {
    const empty = await readClusterCapacity({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig });
    // Two simulated nodes of 4 CPU / 8Gi / 110 pods.
    expect(empty).toEqual({ ok: true, nodes: 2, capacity: { cpuMillis: 8000, memoryBytes: 16 * 1024 ** 3, pods: 220 } });

    sim.store.create(RESOURCE_KEYS.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'big', namespace: 'default' },
      spec: { nodeName: 'sim-node-1', containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '1500m', memory: '1Gi' } } }] },
    });
    const after = await readClusterCapacity({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig });
    expect(after.ok && after.capacity).toEqual({ cpuMillis: 6500, memoryBytes: 15 * 1024 ** 3, pods: 219 });
  });

  it('gives up after the timeout with a reason, never throws', async () => {
    const result = await readClusterCapacity({ kind: 'token', server: silentUrl, token: 'x', insecureSkipTlsVerify: true }, { timeoutMs: 200 });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^unreachable: no answer within 200 ms/) });
  });
});
