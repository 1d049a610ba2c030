// Issue 9 §4: an ended deployment shows what serves. The tick that ends a deployment observed the cluster before its
// last effects (scale-downs, traffic back on stable); the worker looks again after them until the cluster carried them
// out, so the status (pods, sides, traffic) of a Succeeded, Aborted or RolledBack deployment is the cluster's.
import type { INestApplicationContext } from '@nestjs/common';
import { deploymentProgress, type DeploymentState } from '@cutover/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, deploy, releaseSpec, seedApp, seedRelease, simList, startStack, startWorker, stateOf, until, waitPhase, type Seeded, type Stack } from './worker-harness';

const REPLICAS = 4;
const CANARY = { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] };

describe('an ended deployment shows what serves', () => {
  let stack: Stack;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    stack = await startStack('final');
    worker = await startWorker(stack);
  });
  afterAll(async () => {
    await worker?.close();
    await stack?.stop();
  });

  /** The final status, once the worker recorded it. */
  async function finalState(id: string): Promise<DeploymentState> {
    return until(`the final status of ${id}`, async () => {
      const state = await stateOf(stack, id);
      return state.status?.final === true ? state : undefined;
    }, 60_000, 100);
  }

  /** A canary environment serving 1.0.0 on REPLICAS pods. */
  async function serving(name: string): Promise<Seeded> {
    const s = await seedApp(stack, name, { replicas: REPLICAS, strategy: CANARY });
    await seedRelease(stack, s, '1.0.0', releaseSpec(`example/${name}:1.0.0`));
    const first = await deploy(stack, s, '1.0.0', CANARY, null);
    await waitPhase(stack, first, ['Succeeded'], 30_000);
    return s;
  }

  function expectServing(state: DeploymentState, s: Seeded, release: string, trafficWeight: number): void {
    const progress = deploymentProgress(state);
    expect(progress.pods.total).toBe(REPLICAS);
    expect(progress.pods.ready).toBe(REPLICAS);
    expect(new Set(progress.pods.items.map((p) => p.release))).toEqual(new Set([release]));
    expect(progress.trafficWeight).toBe(trafficWeight);
    // The same as the cluster: its pods that are not on their way out.
    const live = simList(stack, 'pods', s.namespace).filter((p) => !p.metadata.deletionTimestamp);
    expect(live.map((p) => p.metadata.name).sort()).toEqual(progress.pods.items.map((p) => p.name).sort());
  }

  it('Succeeded: the new release on every pod, all traffic', { timeout: 90_000 }, async () => {
    const s = await serving('final-ok');
    await seedRelease(stack, s, '1.1.0', releaseSpec('example/final-ok:1.1.0'));
    const id = await deploy(stack, s, '1.1.0', CANARY, '1.0.0');
    await waitPhase(stack, id, ['Paused'], 30_000);
    await command(stack, id, 'promote', { full: true });
    await waitPhase(stack, id, ['Succeeded'], 30_000);
    expectServing(await finalState(id), s, '1.1.0', 100);
  });

  it('Aborted: the previous release on every pod, no traffic to the new one', { timeout: 90_000 }, async () => {
    const s = await serving('final-abort');
    await seedRelease(stack, s, '1.1.0', releaseSpec('example/final-abort:1.1.0'));
    const id = await deploy(stack, s, '1.1.0', CANARY, '1.0.0');
    const paused = await waitPhase(stack, id, ['Paused'], 30_000);
    expect(deploymentProgress(paused).pods.total).toBe(REPLICAS + 2);
    await command(stack, id, 'abort');
    await waitPhase(stack, id, ['Aborted'], 30_000);
    expectServing(await finalState(id), s, '1.0.0', 0);
  });

  it('a deployment started right after another ended never shows up in the ended one\'s status', { timeout: 90_000 }, async () => {
    const s = await serving('final-next');
    await seedRelease(stack, s, '1.1.0', releaseSpec('example/final-next:1.1.0'));
    await seedRelease(stack, s, '1.2.0', releaseSpec('example/final-next:1.2.0'));
    const first = await deploy(stack, s, '1.1.0', CANARY, '1.0.0');
    await waitPhase(stack, first, ['Paused'], 30_000);
    await command(stack, first, 'promote', { full: true });
    await waitPhase(stack, first, ['Succeeded'], 30_000);
    const next = await deploy(stack, s, '1.2.0', CANARY, '1.1.0');
    await waitPhase(stack, next, ['Paused'], 30_000);
    const ended = await finalState(first);
    expect(deploymentProgress(ended).pods.items.map((p) => p.release)).not.toContain('1.2.0');
  });

  it('RolledBack: the previous release on every pod, no traffic to the broken one', { timeout: 90_000 }, async () => {
    const s = await serving('final-broken');
    await seedRelease(stack, s, '1.1.0', releaseSpec('example/final-broken:broken'));
    const id = await deploy(stack, s, '1.1.0', CANARY, '1.0.0');
    await waitPhase(stack, id, ['RolledBack'], 60_000);
    const state = await finalState(id);
    expect(state.failure?.reason).toMatch(/CrashLoopBackOff/);
    expectServing(state, s, '1.0.0', 0);
  });
});
