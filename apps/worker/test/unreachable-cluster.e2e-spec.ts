// Issue 15 §2: a deployment whose cluster cannot be reached says why (on the deployment and in its timeline), fails
// after clusterUnreachableTimeout when it changed nothing, pauses when it did, and its abort ends it at once when it
// never reached the cluster.
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@cutover/config';
import { startKubeSim, type KubeSim } from '@cutover/kube-sim';
import { clusterCredentialsAad, secretBoxFromEnv } from '@cutover/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerModule } from '../src/worker.module';
import { command, deploy, FAST, releaseSpec, seedApp, seedRelease, startStack, stateOf, until, waitPhase, type Stack } from './worker-harness';

const TIMEOUT_MS = 15_000;

describe('a cluster that cannot be reached', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let deadCluster: string;
  let otherSim: KubeSim;
  let otherCluster: string;
  let movedCluster: string;

  async function registerCluster(name: string, credentials: object): Promise<string> {
    const id = randomUUID();
    await stack.prisma.cluster.create({
      data: { id, name: `${name}-${id.slice(0, 8)}`, server: 'http://127.0.0.1', authKind: 'token', credentials: new Uint8Array(secretBoxFromEnv().sealJson(credentials, clusterCredentialsAad(id))) },
    });
    return id;
  }

  async function seedOn(clusterId: string, name: string, annotations: Record<string, string> = {}) {
    const s = await seedApp(stack, name, { replicas: 2 });
    await stack.prisma.environment.update({ where: { id: s.envId }, data: { clusterId } });
    await seedRelease(stack, s, '1.0.0', releaseSpec(`example/${name}:1.0.0`, { annotations }));
    return s;
  }

  beforeAll(async () => {
    stack = await startStack('unreachable');
    // A port nothing listens on: connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    deadCluster = await registerCluster('dead', { kind: 'token', server: `http://127.0.0.1:${port}`, token: 't', insecureSkipTlsVerify: true });
    otherSim = await startKubeSim({ port: 0, nodes: 2, timeScale: 20 });
    otherCluster = await registerCluster('goes-away', { kind: 'kubeconfig', kubeconfig: otherSim.kubeconfig });
    movedCluster = await registerCluster('moved', { kind: 'token', server: `http://127.0.0.1:${port}`, token: 't', insecureSkipTlsVerify: true });
    const config = loadConfig({ ...stack.env, CLUSTER_UNREACHABLE_TIMEOUT_MS: String(TIMEOUT_MS) }, 'worker');
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, { ...FAST, clusterIds: [stack.clusterId, deadCluster, otherCluster, movedCluster] }), { logger: ['error'] });
    await worker.init();
  });

  afterAll(async () => {
    await worker?.close();
    await otherSim?.stop().catch(() => undefined);
    await stack?.stop();
  });

  it('says why on the deployment and in its timeline, then fails it (it changed nothing) after the timeout', { timeout: 90_000 }, async () => {
    const s = await seedOn(deadCluster, 'dead-a');
    const id = await deploy(stack, s, '1.0.0', { type: 'RollingUpdate' }, null);
    const troubled = await until('the error on the deployment', async () => ((await stateOf(stack, id)).clusterError ? stateOf(stack, id) : undefined), 30_000, 100);
    expect(troubled.clusterError).toMatchObject({ kind: 'unreachable', reason: expect.stringMatching(/^unreachable: connection refused/) });
    expect(troubled.phase).toBe('Pending');
    const events = await stack.prisma.deploymentEvent.findMany({ where: { deploymentId: id, type: 'ClusterUnreachable' } });
    expect(events).toHaveLength(1);
    const failed = await waitPhase(stack, id, ['Failed'], 60_000);
    expect(failed.failure).toMatchObject({ code: 'ClusterUnreachable', reason: expect.stringMatching(/connection refused/) });
    expect(Date.now() - troubled.clusterError!.since).toBeGreaterThanOrEqual(TIMEOUT_MS);
  });

  it('an abort of a deployment that never reached its cluster ends it at once', { timeout: 60_000 }, async () => {
    const s = await seedOn(deadCluster, 'dead-b');
    const id = await deploy(stack, s, '1.0.0', { type: 'RollingUpdate' }, null);
    await until('the error on the deployment', async () => ((await stateOf(stack, id)).clusterError ? true : undefined), 30_000, 100);
    const t0 = Date.now();
    const commandId = await command(stack, id, 'abort');
    const aborted = await waitPhase(stack, id, ['Aborted', 'Failed'], 30_000);
    expect(aborted.phase).toBe('Aborted');
    expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS);
    expect(await stack.prisma.deploymentCommand.findUnique({ where: { id: commandId } })).toMatchObject({ status: 'applied' });
  });

  it('new credentials for the cluster (PATCH /v1/clusters/:name) reconnect the worker: the deployment goes on', { timeout: 60_000 }, async () => {
    // movedCluster's credentials are wrong at first (nothing listens there), as after a sandbox restart on another port.
    const s = await seedOn(movedCluster, 'moved');
    const id = await deploy(stack, s, '1.0.0', { type: 'RollingUpdate' }, null);
    await until('the error on the deployment', async () => ((await stateOf(stack, id)).clusterError ? true : undefined), 30_000, 100);
    // What ClustersService.update writes: new sealed credentials, and a new updatedAt.
    const sealed = secretBoxFromEnv().sealJson({ kind: 'kubeconfig', kubeconfig: stack.sim.kubeconfig }, clusterCredentialsAad(movedCluster));
    await stack.prisma.cluster.update({ where: { id: movedCluster }, data: { server: stack.sim.url, authKind: 'kubeconfig', credentials: new Uint8Array(sealed), updatedAt: new Date() } });
    const done = await waitPhase(stack, id, ['Succeeded', 'Failed'], 45_000);
    expect(done.phase).toBe('Succeeded');
  });

  it('a deployment that changed the cluster pauses when the cluster goes away, and says so', { timeout: 120_000 }, async () => {
    // Pods that take a minute to be ready: the rollout is under way when the cluster disappears.
    const s = await seedOn(otherCluster, 'away', { 'sim.cutover.dev/ready-after': '20m' });
    const id = await deploy(stack, s, '1.0.0', { type: 'RollingUpdate' }, null);
    await until('the workload to be created', async () => ((await stack.prisma.deploymentEffect.count({ where: { deploymentId: id, status: 'done' } })) > 0 ? true : undefined), 30_000, 100);
    await otherSim.stop();
    const paused = await waitPhase(stack, id, ['Paused', 'Failed'], 90_000);
    expect(paused).toMatchObject({ phase: 'Paused', pauseReason: 'ClusterUnreachable', clusterError: { kind: 'unreachable' } });
  });
});
