// The whole path a human takes: REST on the real api, the real queue, the worker and the simulator. Checks that the
// api's rows, commands and wake-ups are what the worker consumes (the rules themselves are covered by the other specs).
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simGet, startStack, startWorker, until, type Stack } from '../../../../worker/test/worker-harness';
import { startTestApi, type TestApi } from '../../../test/test-api';
import { as } from '../../../test/deployments.testing';

const canary = { type: 'Canary', trafficRouting: { type: 'replicas' }, steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }], progressDeadlineSeconds: 60 };

describe('deployments through the api, the queue, the worker and the simulator', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let api: TestApi;
  let admin: string;
  let deployer: string;

  const detail = async (id: string) => (await request(api.server).get(`/v1/deployments/${id}`).set(as(deployer)).expect(200)).body;
  const phaseOf = (id: string, phases: string[], timeoutMs = 30_000) =>
    until(`deployment ${id} in ${phases.join('/')}`, async () => {
      const d = await detail(id);
      return phases.includes(d.phase as string) ? d : undefined;
    }, timeoutMs);

  // Supersede: the environment `sup` of the same app.
  const deploy = (release: string, extra: Record<string, unknown> = {}) =>
    request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'web', environment: 'sup', release, ...extra }).expect(202);
  const imageOf = (name: string) => simGet(stack, 'deployments', 'ns-sup', name)?.spec.template.spec.containers[0].image as string | undefined;
  const replicasOf = (name: string) => simGet(stack, 'deployments', 'ns-sup', name)?.spec.replicas as number | undefined;

  beforeAll(async () => {
    stack = await startStack('api-stack');
    worker = await startWorker(stack);
    // The api enqueues under the worker's prefix, as one installation would.
    api = await startTestApi({ env: { CUTOVER_QUEUE_PREFIX: stack.prefix } });
    admin = await api.token('admin');
    deployer = await api.token('deployer', { apps: ['web'] });
    const cluster = await stack.prisma.cluster.findUniqueOrThrow({ where: { id: stack.clusterId } });
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'web' }).expect(201);
    await request(api.server)
      .post('/v1/apps/web/environments')
      .set(as(admin))
      .send({ name: 'prod', cluster: cluster.name, namespace: 'ns-web', replicas: 4, strategy: canary, service: { port: 80, targetPort: 8080 } })
      .expect(201);
    await request(api.server)
      .post('/v1/apps/web/environments')
      .set(as(admin))
      .send({ name: 'sup', cluster: cluster.name, namespace: 'ns-sup', replicas: 4, strategy: canary, service: { port: 80, targetPort: 8080 } })
      .expect(201);
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) {
      await request(api.server).post('/v1/apps/web/releases').set(as(admin)).send({ version: v, image: `example/web:${v}` }).expect(201);
    }
  });

  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await stack?.stop();
  });

  it('create → Succeeded; canary pauses; 20 concurrent promotes advance one step within a second; promote to the end; roll back the succeeded one', async () => {
    const first = await request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'web', environment: 'prod', release: '1.0.0' }).expect(202);
    await phaseOf(first.body.id, ['Succeeded']);

    const second = await request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'web', environment: 'prod', release: '1.1.0', reason: 'canary' }).expect(202);
    const id = second.body.id as string;
    const paused = await phaseOf(id, ['Paused']);
    expect(paused).toMatchObject({ pauseReason: 'PauseStep', currentStep: 1, previousRelease: '1.0.0' });
    expect(paused.sides.map((s: { side: string; desired: number }) => [s.side, s.desired])).toEqual([['stable', 4], ['canary', 1]]);
    // Observed by the worker (state.status): the canary pod it paused on is ready, the stable side serves 4.
    expect(paused.sides.map((s: { side: string; ready: number | null }) => [s.side, s.ready])).toEqual([['stable', 4], ['canary', 1]]);
    expect(paused.pods.total).toBe(5);
    expect(paused.services[0]).toMatchObject({ name: expect.any(String), source: 'observed' });
    expect(simGet(stack, 'deployments', 'ns-web', 'web-canary')?.spec.replicas).toBe(1);

    const results = await Promise.all(Array.from({ length: 20 }, () => request(api.server).post(`/v1/deployments/${id}/promote`).set(as(deployer)).send({ reason: 'go' })));
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted.length).toBe(1);
    expect(results.filter((r) => r.status === 409).length).toBe(19);
    const commandId = accepted[0]!.body.commandId as string;
    const applied = await until('the promote to be applied', async () => {
      const row = await stack.prisma.deploymentCommand.findUniqueOrThrow({ where: { id: commandId } });
      return row.status === 'pending' ? undefined : row;
    }, 10_000, 20);
    expect(applied.status).toBe('applied');
    expect(applied.consumedAt!.getTime() - applied.createdAt.getTime()).toBeLessThan(1_000);

    // Exactly one step: the next pause (step 3), not past it.
    const next = await until('the second pause', async () => {
      const d = await detail(id);
      return d.phase === 'Paused' && d.currentStep === 3 ? d : undefined;
    }, 15_000);
    expect(next.commands.filter((c: { status: string }) => c.status === 'applied')).toHaveLength(1);
    expect(next.sides.map((s: { side: string; desired: number }) => [s.side, s.desired])).toEqual([['stable', 4], ['canary', 2]]);
    expect(simGet(stack, 'deployments', 'ns-web', 'web-canary')?.spec.replicas).toBe(2);

    await request(api.server).post(`/v1/deployments/${id}/promote`).set(as(deployer)).send({ full: true, reason: 'ship it' }).expect(202);
    const done = await phaseOf(id, ['Succeeded']);
    expect(done.events.map((e: { type: string }) => e.type)).toContain('CommandApplied');
    expect(simGet(stack, 'deployments', 'ns-web', 'web-stable')?.spec.template.spec.containers[0].image).toBe('example/web:1.1.0');

    const rollback = await request(api.server).post(`/v1/deployments/${id}/rollback`).set(as(deployer)).send({ reason: 'bad' }).expect(202);
    expect(rollback.body.deployment).toMatchObject({ kind: 'rollback', rollbackOf: id, release: '1.0.0', previousRelease: '1.1.0' });
    // Outside a blue/green warm window a rollback runs the environment's strategy: this canary pauses like any other.
    const rbId = rollback.body.deployment.id as string;
    const rbPaused = await phaseOf(rbId, ['Paused', 'Succeeded']);
    if (rbPaused.phase === 'Paused') await request(api.server).post(`/v1/deployments/${rbId}/promote`).set(as(deployer)).send({ full: true }).expect(202);
    await phaseOf(rbId, ['Succeeded']);
    expect(simGet(stack, 'deployments', 'ns-web', 'web-stable')?.spec.template.spec.containers[0].image).toBe('example/web:1.0.0');

    const history = await request(api.server).get('/v1/apps/web/environments/prod/history').set(as(deployer)).expect(200);
    expect(history.body.items.map((d: { release: string; phase: string; kind: string }) => [d.release, d.phase, d.kind])).toEqual([
      ['1.0.0', 'Succeeded', 'rollback'],
      ['1.1.0', 'Succeeded', 'deploy'],
      ['1.0.0', 'Succeeded', 'deploy'],
    ]);
  });

  // Supersede through the machine: the api ends the running deployment in the new one's transaction by the
  // abort {supersededBy} rule (the domain's `supersede`); the worker leaves the ended one alone; the successor starts
  // from what it left serving (docs/deployments.md).
  it('a paused canary superseded mid-rollout ends Superseded by the rule, keeps what it set up, and its successor takes over from there', async () => {
    const first = await deploy('1.0.0');
    await phaseOf(first.body.id, ['Succeeded']);

    const running = await deploy('1.1.0');
    const runningId = running.body.id as string;
    await phaseOf(runningId, ['Paused']);
    expect(replicasOf('web-canary')).toBe(1);
    const before = await stack.prisma.deployment.findUniqueOrThrow({ where: { id: runningId } });

    const next = await deploy('1.2.0', { supersede: true, reason: 'hotfix' });
    const nextId = next.body.id as string;

    // Ended in the new deployment's transaction, by the machine's rule: state and row agree, the version moved once.
    const ended = await stack.prisma.deployment.findUniqueOrThrow({ where: { id: runningId }, include: { events: { orderBy: { position: 'asc' } } } });
    expect(ended).toMatchObject({ phase: 'Superseded', pauseReason: null, activeKey: null, version: before.version + 1 });
    expect(ended.state).toMatchObject({ phase: 'Superseded', pauseReason: null, rollout: (before.state as { rollout: unknown }).rollout });
    expect(ended.events.at(-1)).toMatchObject({ type: 'Superseded', actor: next.body.createdBy, data: { supersededBy: nextId, previousPhase: 'Paused', reason: 'hotfix' } });
    // The rule restores nothing: no effect was queued for the superseded deployment.
    expect(await stack.prisma.deploymentEffect.count({ where: { deploymentId: runningId, tick: { gt: before.version } } })).toBe(0);

    // The successor's baseline is what the superseded one left serving: stable 1.0.0 × 4 and its canary 1.1.0 × 1.
    const started = await until('the successor to start', async () => {
      const d = await detail(nextId);
      return d.events.find((e: { type: string }) => e.type === 'Started');
    });
    expect(started.data.baseline.workloads).toEqual([
      { name: 'web-canary', role: 'canary', release: '1.1.0', replicas: 1 },
      { name: 'web-stable', role: 'stable', release: '1.0.0', replicas: 4 },
    ]);
    await phaseOf(nextId, ['Paused']);
    await request(api.server).post(`/v1/deployments/${nextId}/promote`).set(as(deployer)).send({ full: true }).expect(202);
    await phaseOf(nextId, ['Succeeded']);
    expect(imageOf('web-stable')).toBe('example/web:1.2.0');
    expect(replicasOf('web-stable')).toBe(4);
    expect(replicasOf('web-canary')).toBe(0);

    // The worker never moved the superseded deployment again (a late tick of it finds it ended and does nothing).
    const after = await stack.prisma.deployment.findUniqueOrThrow({ where: { id: runningId } });
    expect(after.version).toBe(ended.version);
    expect(after.phase).toBe('Superseded');
  });
});
