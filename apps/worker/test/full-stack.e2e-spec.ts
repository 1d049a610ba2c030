// The whole path: the real api (REST) writes deployments and commands and wakes the queue; the worker runs them
// against the simulator. Nothing here touches the tables directly except to read what happened.
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/test-api';
import { simGet, startStack, startWorker, until, type Stack } from './worker-harness';

describe('api + worker + simulator', () => {
  let stack: Stack;
  let api: TestApi;
  let worker: INestApplicationContext;
  let admin: string;
  const auth = () => ({ authorization: `Bearer ${admin}` });

  beforeAll(async () => {
    stack = await startStack('full');
    api = await startTestApi({ env: { CUTOVER_QUEUE_PREFIX: stack.prefix } });
    worker = await startWorker(stack);
    admin = await api.token('admin');
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await stack?.stop();
  });

  async function detail(id: string): Promise<Record<string, any>> {
    const res = await request(api.server).get(`/v1/deployments/${id}`).set(auth()).expect(200);
    return res.body as Record<string, any>;
  }

  async function phase(id: string, phases: string[]): Promise<Record<string, any>> {
    return until(`deployment ${id} to reach ${phases.join('/')}`, async () => {
      const d = await detail(id);
      return phases.includes(d.phase) ? d : undefined;
    }, 30_000, 100);
  }

  it('POST a canary deployment, promote it over REST, and see the worker finish it', async () => {
    const cluster = await stack.prisma.cluster.findUniqueOrThrow({ where: { id: stack.clusterId } });
    const strategy = { type: 'Canary', steps: [{ setWeight: 34 }, { pause: {} }, { setWeight: 100 }] };
    await request(api.server).post('/v1/apps').set(auth()).send({ name: 'full' }).expect(201);
    await request(api.server).post('/v1/apps/full/environments').set(auth()).send({ name: 'prod', cluster: cluster.name, namespace: 'full', replicas: 3, strategy }).expect(201);
    for (const v of ['1.0.0', '1.1.0']) {
      await request(api.server).post('/v1/apps/full/releases').set(auth()).send({ version: v, image: `example/full:${v}` }).expect(201);
    }

    const first = await request(api.server).post('/v1/deployments').set(auth()).send({ app: 'full', environment: 'prod', release: '1.0.0' }).expect(202);
    await phase(first.body.id, ['Succeeded']);
    expect(simGet(stack, 'deployments', 'full', 'full-stable')!.spec.replicas).toBe(3);

    const second = await request(api.server).post('/v1/deployments').set(auth()).send({ app: 'full', environment: 'prod', release: '1.1.0', reason: 'new search' }).expect(202);
    const paused = await phase(second.body.id, ['Paused']);
    expect(paused.pauseReason).toBe('PauseStep');
    expect(simGet(stack, 'deployments', 'full', 'full-canary')!.spec.replicas).toBe(2);

    await request(api.server).post(`/v1/deployments/${second.body.id}/promote`).set(auth()).send({ reason: 'looks good' }).expect((res) => expect(res.status).toBeLessThan(300));
    await phase(second.body.id, ['Succeeded']);
    await until('stable on 1.1.0', () => (simGet(stack, 'deployments', 'full', 'full-stable')!.metadata.labels['cutover.dev/release'] === '1.1.0' ? true : undefined));
    const command = await stack.prisma.deploymentCommand.findFirstOrThrow({ where: { deploymentId: second.body.id } });
    expect(command).toMatchObject({ type: 'promote', status: 'applied', reason: 'looks good' });
    const audit = await stack.prisma.auditEntry.findMany({ where: { resourceId: second.body.id, action: { contains: 'promote' } } });
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });
});
