import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, releaseSpec, seedApp, seedRelease, simGet, startStack, startWorker, waitPhase, type Stack } from './worker-harness';

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
    await seedRelease(stack, s, '1.1.0', releaseSpec('example/roll:1.1.0'));

    const first = await deploy(stack, s, '1.0.0', strategy, null);
    await waitPhase(stack, first, ['Succeeded']);
    const d1 = simGet(stack, 'deployments', s.namespace, 'roll')!;
    expect(d1.spec.replicas).toBe(3);
    expect(d1.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cutover', 'cutover.dev/release': '1.0.0', 'cutover.dev/role': 'primary', 'cutover.dev/environment': 'prod' });
    expect(d1.status.availableReplicas).toBe(3);
    const svc = simGet(stack, 'services', s.namespace, 'roll')!;
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'roll', 'cutover.dev/environment': 'prod' });

    const second = await deploy(stack, s, '1.1.0', strategy, '1.0.0');
    await waitPhase(stack, second, ['Succeeded']);
    const d2 = simGet(stack, 'deployments', s.namespace, 'roll')!;
    expect(d2.spec.template.spec.containers[0].image).toBe('example/roll:1.1.0');
    expect(d2.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(d2.status.updatedReplicas).toBe(3);
  });
});
