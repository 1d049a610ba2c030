// Issue 16 §4 (docs/adr/0015): a tick whose only change is the observed status commits at most once per
// STATUS_COMMIT_INTERVAL per deployment; decisions commit at once, and a held-back status is committed by its deadline.
// Real Postgres, Redis and simulator; the figures are the worker's own count of what each tick wrote.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { deploymentProgress, type DeploymentState } from '@cutover/domain';
import { RESOURCE_KEYS } from '@cutover/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentTickService, type TickStats } from '../src/ticks/deployment-tick.service';
import { WorkerModule } from '../src/worker.module';
import { deploy, FAST, releaseSpec, seedApp, seedRelease, simList, startStack, stateOf, until, waitPhase, workerConfig, type Seeded, type Stack } from './worker-harness';

const REPLICAS = 4;
const STEPS = { type: 'Canary', steps: [{ setWeight: 25 }, { setWeight: 50 }, { setWeight: 75 }] };
const PAUSED = { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }] };

describe('status-only commits are coalesced', () => {
  let stack: Stack;
  let worker: INestApplicationContext | null = null;

  beforeAll(async () => {
    stack = await startStack('coalesce');
  });
  afterAll(async () => {
    await worker?.close();
    await stack?.stop();
  });

  /** One worker at a time, with the interval under test. */
  async function workerWith(statusCommitIntervalMs: number): Promise<DeploymentTickService> {
    await worker?.close();
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot({ ...workerConfig(stack), statusCommitIntervalMs }, { clusterIds: [stack.clusterId], ...FAST }), { logger: ['error'] });
    await worker.init();
    return worker.get(DeploymentTickService);
  }

  /** An environment serving 1.0.0, and 1.1.0 ready to deploy. */
  async function serving(name: string, strategy: unknown): Promise<Seeded> {
    const s = await seedApp(stack, name, { replicas: REPLICAS, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec(`example/${name}:1.0.0`));
    await seedRelease(stack, s, '1.1.0', releaseSpec(`example/${name}:1.1.0`));
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded'], 30_000);
    return s;
  }

  /** The committed status shows exactly the cluster's live pods, all ready. */
  function showsCluster(state: DeploymentState, s: Seeded): boolean {
    const live = simList(stack, 'pods', s.namespace).filter((p) => !p.metadata.deletionTimestamp && p.metadata.labels?.['cutover.dev/role'] !== 'hook');
    const progress = deploymentProgress(state);
    const names = progress.pods.items.map((p) => p.name).sort();
    return progress.pods.ready === live.length && JSON.stringify(names) === JSON.stringify(live.map((p) => String(p.metadata.name)).sort());
  }

  async function rollout(ticks: DeploymentTickService, name: string): Promise<{ stats: TickStats; version: number; events: number; state: DeploymentState; s: Seeded }> {
    const s = await serving(name, STEPS);
    const id = await deploy(stack, s, '1.1.0', STEPS, '1.0.0');
    await waitPhase(stack, id, ['Succeeded'], 60_000);
    const state = await until(`the final status of ${name}`, async () => {
      const st = await stateOf(stack, id);
      return st.status?.final === true ? st : undefined;
    }, 60_000, 100);
    const row = await stack.prisma.deployment.findUniqueOrThrow({ where: { id }, select: { version: true } });
    const events = await stack.prisma.deploymentEvent.count({ where: { deploymentId: id } });
    return { stats: { ...ticks.stats.get(id)! }, version: row.version, events, state, s };
  }

  it('every pod turning ready is a version at interval 0; with a long interval only decisions are, and the final status is still committed', { timeout: 240_000 }, async () => {
    const each = await rollout(await workerWith(0), 'coalesce-each');
    const coalesced = await rollout(await workerWith(60_000), 'coalesce-long');
    const figures = JSON.stringify({ each: { ...each.stats, version: each.version, events: each.events }, coalesced: { ...coalesced.stats, version: coalesced.version, events: coalesced.events } });

    // Interval 0: nothing is held back, and pods turning ready between steps were versions of their own.
    expect(each.stats.deferred, figures).toBe(0);
    expect(each.stats.statusCommits, figures).toBeGreaterThan(0);
    // A long interval: status-only changes were seen and held back, none was a version; the steps still were.
    expect(coalesced.stats.deferred, figures).toBeGreaterThan(0);
    expect(coalesced.stats.statusCommits, figures).toBe(0);
    // The same timeline either way (status changes are no events).
    expect(coalesced.events, figures).toBe(each.events);
    // Fewer versions for the same rollout; both end showing the cluster as it is.
    expect(coalesced.version, figures).toBeLessThan(each.version);
    expect(showsCluster(each.state, each.s), figures).toBe(true);
    expect(showsCluster(coalesced.state, coalesced.s), figures).toBe(true);
  });

  it('a status change with no decision after it is committed by its deadline (the deferred tick\'s wake-up)', { timeout: 120_000 }, async () => {
    const ticks = await workerWith(2_000);
    const s = await serving('coalesce-pause', PAUSED);
    const id = await deploy(stack, s, '1.1.0', PAUSED, '1.0.0');
    await waitPhase(stack, id, ['Paused'], 60_000);
    await until('the paused deployment\'s status to show the cluster', async () => (showsCluster(await stateOf(stack, id), s) ? true : undefined), 60_000, 100);
    const before = { ...ticks.stats.get(id)! };
    // Paused at the step: nothing to decide. A canary pod replaced by its ReplicaSet changes the status several times
    // within the interval (terminating, a new pod, ready, gone); only the held-back ticks' wake-ups can write the end.
    const canary = simList(stack, 'pods', s.namespace).find((p) => p.metadata.labels?.['cutover.dev/role'] === 'canary' && !p.metadata.deletionTimestamp);
    expect(canary).toBeDefined();
    stack.sim.store.delete(RESOURCE_KEYS.pods, s.namespace, String(canary!.metadata.name));
    const state = await until('the status to show the replacement pod, ready', async () => {
      const st = await stateOf(stack, id);
      return showsCluster(st, s) && !deploymentProgress(st).pods.items.some((p) => p.name === canary!.metadata.name) ? st : undefined;
    }, 60_000, 100);
    const after = ticks.stats.get(id)!;
    const figures = JSON.stringify({ before, after });
    expect(state.phase, figures).toBe('Paused');
    expect(state.pauseReason, figures).toBe('PauseStep');
    expect(after.commits - before.commits, figures).toBe(after.statusCommits - before.statusCommits);
    expect(after.statusCommits - before.statusCommits, figures).toBeGreaterThan(0);
    expect(after.deferred - before.deferred, figures).toBeGreaterThan(0);
  });
});
