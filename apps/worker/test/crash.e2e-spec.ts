import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  command,
  deploy,
  killed,
  releaseSpec,
  seedApp,
  seedRelease,
  simGet,
  startStack,
  startWorkerProcess,
  stateOf,
  until,
  waitPhase,
  type Seeded,
  type Stack,
} from './worker-harness';

const strategies: unknown[] = [
  { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
  { type: 'Recreate' },
  { type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 0.5, scaleDownDelaySeconds: 0.5 },
  { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] },
  { type: 'Canary', trafficRouting: { type: 'nginx', host: 'x.example.com' }, steps: [{ setWeight: 30 }, { pause: { duration: 0.5 } }, { setWeight: 60 }] },
];

/** Deterministic "random" moments, so a failing run can be replayed. */
function* moments(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    yield 150 + (x % 750);
  }
}

describe('worker durability: SIGKILL at random moments, Redis emptied mid-rollout', () => {
  let stack: Stack;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    stack = await startStack('crash');
  });

  afterAll(async () => {
    if (child) await killed(child, 'SIGKILL');
    await stack?.stop();
  });

  it('24 rollouts of mixed strategies reach the right end across repeated SIGKILLs; no command applied twice', { timeout: 240_000 }, async () => {
    const apps: Array<{ s: Seeded; strategy: unknown; first: string; second?: string }> = [];
    for (let i = 0; i < 12; i++) {
      const strategy = strategies[i % strategies.length];
      const s = await seedApp(stack, `k${i}`, { replicas: 2, strategy });
      await seedRelease(stack, s, '1.0.0', releaseSpec(`example/k${i}:1.0.0`));
      // Pods of 2.0.0 take a while to be ready, so the kills land in the middle of rollouts.
      await seedRelease(stack, s, '2.0.0', releaseSpec(`example/k${i}:2.0.0`, { annotations: { 'sim.cutover.dev/ready-after': '20s' } }));
      apps.push({ s, strategy, first: await deploy(stack, s, '1.0.0', strategy, null) });
    }
    child = await startWorkerProcess(stack);
    const kills = moments(20_261_130);
    let killCount = 0;
    const promoted = new Set<string>();
    const deadline = Date.now() + 200_000;
    for (;;) {
      // Second rollouts start once the first one of the app succeeded; canaries get promoted when they pause.
      for (const a of apps) {
        if (!a.second && (await stateOf(stack, a.first)).phase === 'Succeeded') a.second = await deploy(stack, a.s, '2.0.0', a.strategy, '1.0.0');
        if (a.second && !promoted.has(a.second)) {
          const st = await stateOf(stack, a.second);
          // Only the pause without a duration waits for a promote; a timed one may end before the command is read.
          if (st.phase === 'Paused' && st.pauseReason === 'PauseStep' && st.rollout?.kind === 'canary' && st.ctx.strategy.type === 'Canary' && st.ctx.strategy.trafficRouting.type === 'replicas') {
            await command(stack, a.second, 'promote');
            promoted.add(a.second);
          }
        }
      }
      const ids = apps.flatMap((a) => [a.first, a.second]).filter((x): x is string => x !== undefined);
      const phases = await Promise.all(ids.map(async (id) => (await stateOf(stack, id)).phase));
      if (ids.length === 24 && phases.every((p) => p === 'Succeeded')) break;
      expect(phases.filter((p) => p === 'Failed' || p === 'RolledBack' || p === 'Aborted')).toEqual([]);
      if (Date.now() > deadline) throw new Error(`not done: ${phases.join(',')}`);
      await new Promise((r) => setTimeout(r, kills.next().value as number));
      if (killCount < 10) {
        await killed(child, 'SIGKILL');
        killCount += 1;
        child = await startWorkerProcess(stack);
      }
    }
    expect(killCount).toBeGreaterThanOrEqual(5);

    for (const a of apps) {
      const st = await stateOf(stack, a.second!);
      expect(st.ctx.release).toBe('2.0.0');
    }
    // Every command was consumed once: one row outcome, one CommandApplied event carrying its id.
    // The run's database is shared by every test file: look at this test's deployments only.
    const mine = apps.flatMap((a) => [a.first, a.second!]);
    const commands = await stack.prisma.deploymentCommand.findMany({ where: { deploymentId: { in: mine } } });
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) {
      expect(`${c.status}: ${c.result}`).toMatch(/^applied/);
      const applied = await stack.prisma.deploymentEvent.findMany({ where: { deploymentId: c.deploymentId, type: { in: ['CommandApplied', 'CommandRejected'] } } });
      expect(applied.filter((e) => (e.data as { commandId?: string }).commandId === c.id)).toHaveLength(1);
    }
    expect(await stack.prisma.deploymentEffect.count({ where: { status: 'pending', deploymentId: { in: mine } } })).toBe(0);
    // What serves at the end is 2.0.0 everywhere.
    const rolling = apps.find((a) => (a.strategy as { type: string }).type === 'RollingUpdate')!;
    await until('rolling app on 2.0.0', () => (simGet(stack, 'deployments', rolling.s.namespace, rolling.s.app)?.metadata.labels['cutover.dev/release'] === '2.0.0' ? true : undefined));
  });

  it('two workers share the deployments (one job per deployment); killing one leaves the other to finish', { timeout: 120_000 }, async () => {
    if (child) await killed(child, 'SIGKILL');
    const [a, b] = await Promise.all([startWorkerProcess(stack), startWorkerProcess(stack)]);
    child = b;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const strategy = strategies[i % strategies.length];
      const s = await seedApp(stack, `two${i}`, { replicas: 2, strategy });
      await seedRelease(stack, s, '1.0.0', releaseSpec(`example/two${i}:1.0.0`));
      await seedRelease(stack, s, '2.0.0', releaseSpec(`example/two${i}:2.0.0`, { annotations: { 'sim.cutover.dev/ready-after': '20s' } }));
      await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);
      ids.push(await deploy(stack, s, '2.0.0', strategy, '1.0.0'));
    }
    await new Promise((r) => setTimeout(r, 500));
    await killed(a, 'SIGKILL');
    for (const id of ids) {
      const st = await until(`deployment ${id} to settle`, async () => {
        const state = await stateOf(stack, id);
        if (state.phase === 'Paused' && state.pauseReason === 'PauseStep' && state.ctx.strategy.type === 'Canary' && state.ctx.strategy.trafficRouting.type === 'replicas') {
          const pending = await stack.prisma.deploymentCommand.count({ where: { deploymentId: id } });
          if (pending === 0) await command(stack, id, 'promote');
        }
        return ['Succeeded', 'Failed', 'RolledBack'].includes(state.phase) ? state : undefined;
      }, 90_000, 100);
      expect(st.phase).toBe('Succeeded');
    }
  });

  it('the reconciler re-enqueues an active deployment after its queue keys are gone from Redis', { timeout: 60_000 }, async () => {
    child ??= await startWorkerProcess(stack);
    const strategy = { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] };
    const s = await seedApp(stack, 'flush', { replicas: 2, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec('example/flush:1.0.0'));
    await seedRelease(stack, s, '2.0.0', releaseSpec('example/flush:2.0.0'));
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await waitPhase(stack, id, ['Paused']);
    // FLUSHALL would also wipe other test runs sharing this Redis; deleting every key of our prefix is the same
    // loss for this installation (queue, jobs, wake memos).
    let cursor = '0';
    do {
      const [next, keys] = await stack.queue.redis.scan(cursor, 'MATCH', `${stack.prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await stack.queue.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    // The promote is written to Postgres only (its wake-up lost with Redis): the reconciler must find it.
    await stack.prisma.deploymentCommand.create({ data: { deploymentId: id, type: 'promote', actor: 'alice', reason: 'after flush' } });
    await waitPhase(stack, id, ['Succeeded'], 30_000);
  });

  it('SIGTERM mid-rollout: the worker finishes its tick and exits; the next worker completes the rollout', { timeout: 60_000 }, async () => {
    child ??= await startWorkerProcess(stack);
    const strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 };
    const s = await seedApp(stack, 'term', { replicas: 3, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec('example/term:1.0.0'));
    await seedRelease(stack, s, '2.0.0', releaseSpec('example/term:2.0.0', { annotations: { 'sim.cutover.dev/ready-after': '10s' } }));
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await waitPhase(stack, id, ['Progressing']);
    const exited = new Promise<string>((resolve) => child!.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    child.kill('SIGTERM');
    // Nest re-raises the signal once the shutdown hooks (processor drained, watches, connections) are done.
    expect(['0', 'SIGTERM']).toContain(await exited);
    expect(await stack.prisma.deploymentEffect.count({ where: { deploymentId: id, status: 'pending', kind: { not: 'runCheck' } } })).toBe(0);
    child = await startWorkerProcess(stack);
    await waitPhase(stack, id, ['Succeeded'], 40_000);
  });
});
