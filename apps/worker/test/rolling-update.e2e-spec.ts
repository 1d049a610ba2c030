import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, releaseSpec, seedApp, seedRelease, simGet, simList, startStack, startWorker, until, waitPhase, type Stack } from './worker-harness';

describe('worker: RollingUpdate and Recreate through the simulator', () => {
  let stack: Stack;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    stack = await startStack('ru');
    worker = await startWorker(stack);
  });

  afterAll(async () => {
    await worker?.close();
    await stack?.stop();
  });

  it('deploys the first release straight to serving, then rolls the next one', async () => {
    const strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 60 };
    const s = await seedApp(stack, 'roll', { replicas: 3, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec('example/roll:1.0.0'));
    // A valid release version that is not a valid label value: the label gets a DNS-safe form, the annotation the version.
    await seedRelease(stack, s, '1.1.0+build.7', releaseSpec('example/roll:1.1.0'));

    const first = await deploy(stack, s, '1.0.0', strategy, null);
    await waitPhase(stack, first, ['Succeeded']);
    const d1 = simGet(stack, 'deployments', s.namespace, 'roll')!;
    expect(d1.spec.replicas).toBe(3);
    expect(d1.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cutover', 'cutover.dev/release': '1.0.0', 'cutover.dev/role': 'primary', 'cutover.dev/environment': 'prod' });
    expect(d1.status.availableReplicas).toBe(3);
    const svc = simGet(stack, 'services', s.namespace, 'roll')!;
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'roll', 'cutover.dev/environment': 'prod' });

    const second = await deploy(stack, s, '1.1.0+build.7', strategy, '1.0.0');
    await waitPhase(stack, second, ['Succeeded']);
    const d2 = simGet(stack, 'deployments', s.namespace, 'roll')!;
    expect(d2.metadata.annotations['cutover.dev/release']).toBe('1.1.0+build.7');
    expect(d2.metadata.labels['cutover.dev/release']).toMatch(/^1\.1\.0_build\.7-[a-z0-9]+$/);
    expect(d2.spec.template.spec.containers[0].image).toBe('example/roll:1.1.0');
    expect(d2.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(d2.status.updatedReplicas).toBe(3);
  });

  it('Recreate: the old pods are gone before the new ones start, and the downtime is on the timeline', async () => {
    const strategy = { type: 'Recreate' };
    const s = await seedApp(stack, 'recr', { replicas: 2, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec('example/recr:1.0.0'));
    await seedRelease(stack, s, '2.0.0', releaseSpec('example/recr:2.0.0'));
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);
    const seen: Array<{ old: number; fresh: number }> = [];
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await until('Succeeded (sampling pods)', async () => {
      const pods = simList(stack, 'pods', s.namespace);
      seen.push({ old: pods.filter((p) => p.metadata.labels['cutover.dev/release'] === '1.0.0').length, fresh: pods.filter((p) => p.metadata.labels['cutover.dev/release'] === '2.0.0').length });
      const row = await stack.prisma.deployment.findUniqueOrThrow({ where: { id } });
      return row.phase === 'Succeeded' ? true : undefined;
    }, 30_000, 10);
    // Never both versions at once.
    expect(seen.filter((x) => x.old > 0 && x.fresh > 0)).toEqual([]);
    const d = simGet(stack, 'deployments', s.namespace, 'recr')!;
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.metadata.labels['cutover.dev/release']).toBe('2.0.0');
    const downtime = await stack.prisma.deploymentEvent.findFirstOrThrow({ where: { deploymentId: id, type: 'Downtime' } });
    expect(downtime.data).toHaveProperty('seconds');
  });
});
