import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, deploy, releaseSpec, seedApp, seedRelease, simGet, startStack, startWorker, until, waitPhase, type Seeded, type Stack } from './worker-harness';

const ROLE = 'cutover.dev/role';

describe('worker: commands take effect once, from the tick that consumes them', () => {
  let stack: Stack;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    stack = await startStack('cmd');
    worker = await startWorker(stack);
  });

  afterAll(async () => {
    await worker?.close();
    await stack?.stop();
  });

  async function serving(app: string, replicas: number, strategy: unknown, secondSpec = releaseSpec(`example/${app}:2.0.0`)): Promise<Seeded> {
    const s = await seedApp(stack, app, { replicas, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec(`example/${app}:1.0.0`));
    await seedRelease(stack, s, '2.0.0', secondSpec);
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);
    return s;
  }

  it('20 promotes of one paused step at once: exactly one applied, one step advanced, the rest refused', async () => {
    const strategy = { type: 'Canary', steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 75 }, { pause: {} }] };
    const s = await serving('race', 4, strategy);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const before = await waitPhase(stack, id, ['Paused']);
    expect(before.rollout?.kind === 'canary' && before.rollout.stepIndex).toBe(1);
    // Twenty promotes pending at once (the api's own check would already refuse most; the worker must not rely on it).
    await stack.prisma.deploymentCommand.createMany({ data: Array.from({ length: 20 }, (_, i) => ({ deploymentId: id, type: 'promote', actor: `user${i}`, reason: 'race' })) });
    await Promise.all(Array.from({ length: 20 }, () => stack.queue.wake(id)));
    await until('all 20 promotes consumed', async () => ((await stack.prisma.deploymentCommand.count({ where: { deploymentId: id, status: 'pending' } })) === 0 ? true : undefined));
    const after = await waitPhase(stack, id, ['Paused']);
    const rows = await stack.prisma.deploymentCommand.findMany({ where: { deploymentId: id } });
    expect(rows.filter((r) => r.status === 'applied')).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'rejected')).toHaveLength(19);
    expect(after.rollout?.kind === 'canary' && after.rollout.stepIndex).toBe(3);
    await until('canary at 50% (2 pods)', () => (simGet(stack, 'deployments', s.namespace, 'race-canary')!.spec.replicas === 2 ? true : undefined));
    const rejected = await stack.prisma.deploymentEvent.count({ where: { deploymentId: id, type: 'CommandRejected' } });
    expect(rejected).toBe(19);
  });

  it('RollingUpdate pause sets spec.paused, resume clears it and the rollout finishes', async () => {
    const strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 };
    const s = await serving('pause', 3, strategy, releaseSpec('example/pause:2.0.0', { annotations: { 'sim.cutover.dev/ready-after': '20s' } }));
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await waitPhase(stack, id, ['Progressing']);
    await command(stack, id, 'pause');
    const paused = await waitPhase(stack, id, ['Paused']);
    expect(paused.pauseReason).toBe('UserPaused');
    await until('spec.paused', () => (simGet(stack, 'deployments', s.namespace, 'pause')!.spec.paused === true ? true : undefined));
    await command(stack, id, 'resume');
    await waitPhase(stack, id, ['Succeeded'], 30_000);
    expect(simGet(stack, 'deployments', s.namespace, 'pause')!.spec.paused).toBe(false);
  });

  it('rollback inside the blue/green warm window flips the active Service back at once', async () => {
    const strategy = { type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 0, scaleDownDelaySeconds: 30 };
    const s = await serving('warm', 2, strategy);
    const old = simGet(stack, 'services', s.namespace, 'warm')!.spec.selector[ROLE];
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await until('active Service on the new colour', () => (simGet(stack, 'services', s.namespace, 'warm')!.spec.selector[ROLE] !== old ? true : undefined));
    const started = Date.now();
    await command(stack, id, 'rollback');
    await until('active Service back on the old colour', () => (simGet(stack, 'services', s.namespace, 'warm')!.spec.selector[ROLE] === old ? true : undefined), 5_000, 5);
    expect(Date.now() - started).toBeLessThan(1_000);
    await waitPhase(stack, id, ['RolledBack']);
    expect(simGet(stack, 'deployments', s.namespace, `warm-${old}`)!.spec.replicas).toBe(2);
  });

  it('abort of a paused canary puts all traffic on stable and scales the canary to zero', async () => {
    const strategy = { type: 'Canary', trafficRouting: { type: 'nginx', host: 'a.example.com' }, steps: [{ setWeight: 40 }, { pause: {} }] };
    const s = await serving('abort', 3, strategy);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await waitPhase(stack, id, ['Paused']);
    await command(stack, id, 'abort');
    await waitPhase(stack, id, ['Aborted']);
    await until('weight 0 and canary at 0', () =>
      simGet(stack, 'ingresses', s.namespace, 'abort-canary')!.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight'] === '0' &&
      simGet(stack, 'deployments', s.namespace, 'abort-canary')!.spec.replicas === 0
        ? true
        : undefined,
    );
  });
});
