// Wave runs through the real api, queue, worker and simulator (docs/waves.md): a two-wave run with a bake gate,
// a manual gate, pause/resume between waves, a global abort, bad inputs (nothing written) and the 409 of a busy
// environment. The machine's rules themselves are covered by libs/domain's wave-run specs.
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, startWorker, until, type Stack } from '../../../../worker/test/worker-harness';
import { startTestApi, type TestApi } from '../../../test/test-api';
import { as } from '../../../test/deployments.testing';

const rolling = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 60 };
const canary = { type: 'Canary', trafficRouting: { type: 'replicas' }, steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }], progressDeadlineSeconds: 60 };
interface RunBody {
  phase: string;
  waves: Array<{ phase: string; environments: Array<{ phase: string; deploymentId: string | null }> }>;
}
const ENVS = ['w1', 'w2', 'w3', 'm1', 'm2', 'p1', 's1', 's2', 's3', 'x1', 'x2', 'x3', 'r1', 'r2', 'busy'];

// Generous: a run is several rollouts in a row, and the shared test machine is often loaded.
describe('wave runs through the api, the queue, the worker and the simulator', { timeout: 150_000 }, () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let api: TestApi;
  let admin: string;
  let deployer: string;

  const run = async (id: string) => (await request(api.server).get(`/v1/wave-runs/${id}`).set(as(deployer)).expect(200)).body;
  const runIn = (id: string, check: (r: RunBody) => boolean, what: string, timeoutMs = 100_000) =>
    until(`wave run ${id}: ${what}`, async () => {
      const r = await run(id);
      return check(r as RunBody) ? r : undefined;
    }, timeoutMs, 100);
  const start = (body: Record<string, unknown>) => request(api.server).post('/v1/apps/wave/waves').set(as(deployer)).send(body);

  beforeAll(async () => {
    stack = await startStack('waves-stack');
    worker = await startWorker(stack);
    api = await startTestApi({ env: { CUTOVER_QUEUE_PREFIX: stack.prefix } });
    admin = await api.token('admin');
    deployer = await api.token('deployer', { apps: ['wave'] });
    const cluster = await stack.prisma.cluster.findUniqueOrThrow({ where: { id: stack.clusterId } });
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'wave' }).expect(201);
    for (const name of ENVS) {
      await request(api.server)
        .post('/v1/apps/wave/environments')
        .set(as(admin))
        .send({
          name,
          cluster: cluster.name,
          namespace: `ns-wave-${name}`,
          replicas: 2,
          strategy: name.startsWith('x') || name === 'r2' ? canary : rolling,
          service: { port: 80, targetPort: 8080 },
          labels: name.startsWith('s') ? { tier: 'edge', region: name === 's1' ? 'eu' : 'us' } : {},
        })
        .expect(201);
    }
    for (const v of ['1.0.0', '1.1.0']) await request(api.server).post('/v1/apps/wave/releases').set(as(admin)).send({ version: v, image: `example/wave:${v}` }).expect(201);
  });

  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await stack?.stop();
  });

  it('a two-wave run with a bake gate: wave 1 in parallel, the gate bakes, wave 2 starts, the run succeeds', async () => {
    const created = await start({ release: '1.0.0', reason: 'weekly', waves: [{ name: 'first', environments: ['w1', 'w2'], gate: { bake: '2s' } }, { name: 'rest', environments: ['w3'] }] }).expect(202);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ phase: 'Running', app: 'wave', release: '1.0.0', currentWave: 0 });
    expect(created.body.waves.map((w: { name: string; phase: string }) => [w.name, w.phase])).toEqual([['first', 'Running'], ['rest', 'Pending']]);
    expect(created.body.waves[0].environments.map((e: { environment: string; cluster: string }) => e.environment)).toEqual(['w1', 'w2']);

    const baking = await runIn(id, (r) => r.waves[0].phase === 'Gate', 'the gate after wave 1');
    expect(baking.waves[0].gate).toMatchObject({ phase: 'Waiting', waitingFor: ['bake'], bakeSeconds: 2 });
    expect(baking.waves[0].environments.map((e: { phase: string }) => e.phase)).toEqual(['Succeeded', 'Succeeded']);
    expect(baking.waves[1].phase).toBe('Pending');

    const done = await runIn(id, (r) => r.phase === 'Succeeded', 'Succeeded');
    expect(done.waves.map((w: { phase: string }) => w.phase)).toEqual(['Passed', 'Passed']);
    const opened = new Date(done.waves[0].gate.openedAt as string).getTime();
    expect(opened - new Date(baking.waves[0].gate.bakeUntil as string).getTime()).toBeGreaterThanOrEqual(0);
    expect(done.history.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['WaveRunCreated', 'WaveStarted', 'WaveGateWaiting', 'WaveGateOpened', 'WaveRunSucceeded']));

    // Its deployments are ordinary deployments that name the run.
    const w3 = done.waves[1].environments[0].deploymentId as string;
    const d = (await request(api.server).get(`/v1/deployments/${w3}`).set(as(deployer)).expect(200)).body;
    expect(d).toMatchObject({ waveRunId: id, environment: 'w3', phase: 'Succeeded' });
    expect(new Date(d.createdAt as string).getTime()).toBeGreaterThanOrEqual(opened);
    const list = (await request(api.server).get('/v1/apps/wave/wave-runs').set(as(deployer)).expect(200)).body;
    expect(list.items.map((r: { id: string }) => r.id)).toContain(id);
    const audit = await stack.prisma.auditEntry.findMany({ where: { OR: [{ resourceId: id }, { resourceId: { in: done.waves.flatMap((w: { environments: Array<{ deploymentId: string }> }) => w.environments.map((e) => e.deploymentId)) } }] } });
    expect(audit.map((a) => a.action).sort()).toEqual(['deployment.create', 'deployment.create', 'deployment.create', 'wave-run.create', 'wave-run.succeed']);
    // The run's moments are in the event feed (on one of its deployments' timelines), for SSE and notifications.
    const feed = await stack.prisma.deploymentEvent.findMany({ where: { type: { startsWith: 'Wave' } }, orderBy: { position: 'asc' } });
    const ofRun = feed.filter((e) => (e.data as { waveRunId?: string }).waveRunId === id).map((e) => e.type);
    expect(ofRun).toEqual(['WaveGateWaiting', 'WaveGateOpened', 'WaveStarted', 'WaveRunSucceeded']);
  });

  it('a manual gate waits for a promote; pause holds the run between waves until resume', async () => {
    const id = (await start({ release: '1.0.0', waves: [{ environments: ['m1'], gate: { manual: true } }, { environments: ['m2'] }] }).expect(202)).body.id as string;
    await request(api.server).post(`/v1/wave-runs/${id}/promote`).set(as(deployer)).send({}).expect(409);
    const gate = await runIn(id, (r) => r.waves[0].phase === 'Gate', 'the manual gate');
    expect(gate.waves[0].gate.waitingFor).toEqual(['promotion']);
    await request(api.server).post(`/v1/wave-runs/${id}/pause`).set(as(deployer)).send({ reason: 'hold on' }).expect(202);
    const promoted = await request(api.server).post(`/v1/wave-runs/${id}/promote`).set(as(deployer)).send({ reason: 'looks good' }).expect(202);
    expect(promoted.body.waves[0].gate).toMatchObject({ promotedBy: expect.any(String), waitingFor: [] });
    // Paused: the gate has nothing left to wait for, yet wave 2 does not start.
    const held = await run(id);
    expect(held).toMatchObject({ phase: 'Paused', pauseReason: 'UserPaused' });
    expect(held.waves[1].environments[0].deploymentId).toBeNull();
    await request(api.server).post(`/v1/wave-runs/${id}/resume`).set(as(deployer)).send({}).expect(202);
    await runIn(id, (r) => r.phase === 'Succeeded', 'Succeeded after resume');
    await request(api.server).post(`/v1/wave-runs/${id}/resume`).set(as(deployer)).send({}).expect(409);

    // Over GraphQL too.
    const q = await request(api.server)
      .post('/graphql')
      .set(as(deployer))
      .send({ query: `query($id: ID!) { waveRun(id: $id) { id phase waves { name phase gate { phase promotedBy } environments { environment phase deploymentId } } } }`, variables: { id } })
      .expect(200);
    expect(q.body.data.waveRun).toMatchObject({ id, phase: 'Succeeded' });
  });

  it('abort stops every deployment in flight at once and starts no further wave', async () => {
    // The canary environments serve 1.0.0 first, so 1.1.0 rolls out as a canary that pauses.
    for (const env of ['x1', 'x2']) {
      const first = await request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'wave', environment: env, release: '1.0.0' }).expect(202);
      await until(`${env} serving 1.0.0`, async () => ((await request(api.server).get(`/v1/deployments/${first.body.id}`).set(as(deployer))).body.phase === 'Succeeded' ? true : undefined));
    }
    const id = (await start({ release: '1.1.0', waves: [{ environments: ['x1', 'x2'] }, { environments: ['x3'] }] }).expect(202)).body.id as string;
    await runIn(id, (r) => r.waves[0].environments.every((e: { phase: string }) => e.phase === 'Paused'), 'both canaries paused');
    const t0 = Date.now();
    const aborted = await request(api.server).post(`/v1/wave-runs/${id}/abort`).set(as(deployer)).send({ reason: 'error rate' }).expect(202);
    expect(aborted.body).toMatchObject({ phase: 'Aborted' });
    expect(aborted.body.waves.map((w: { phase: string }) => w.phase)).toEqual(['Aborted', 'Skipped']);
    const ended = await runIn(id, (r) => r.waves[0].environments.every((e: { phase: string }) => e.phase === 'Aborted'), 'both deployments aborted', 15_000);
    const restoredMs = Date.now() - t0;
    expect(ended.waves[1].environments[0]).toMatchObject({ deploymentId: null, phase: 'Waiting' });
    // Each deployment went through its own abort command (with its audit entry).
    const ids = ended.waves[0].environments.map((e: { deploymentId: string }) => e.deploymentId);
    const commands = await stack.prisma.deploymentCommand.findMany({ where: { deploymentId: { in: ids } } });
    expect(commands.map((c) => [c.type, c.status])).toEqual([['abort', 'applied'], ['abort', 'applied']]);
    expect(restoredMs).toBeLessThan(10_000);
    await request(api.server).post(`/v1/wave-runs/${id}/abort`).set(as(deployer)).send({}).expect(409);
  });

  it('an environment that fails stops the run; rollbackCompleted rolls back what already succeeded', async () => {
    const serving = async (env: string) => {
      const first = await request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'wave', environment: env, release: '1.0.0' }).expect(202);
      await until(`${env} serving 1.0.0`, async () => ((await request(api.server).get(`/v1/deployments/${first.body.id}`).set(as(deployer))).body.phase === 'Succeeded' ? true : undefined));
    };
    await serving('r1');
    await serving('r2');
    const id = (await start({ release: '1.1.0', rollbackCompleted: true, waves: [{ environments: ['r1'] }, { environments: ['r2'] }] }).expect(202)).body.id as string;
    const paused = await runIn(id, (r) => r.waves[1]!.environments[0]!.phase === 'Paused', 'the canary of wave 2 paused');
    expect(paused.waves[0].environments[0].phase).toBe('Succeeded');
    // Someone aborts the canary by hand: an environment of the run ended badly, the run stops.
    await request(api.server).post(`/v1/deployments/${paused.waves[1].environments[0].deploymentId}/abort`).set(as(deployer)).send({ reason: 'bad canary' }).expect(202);
    const failed = await runIn(id, (r) => r.phase === 'Failed', 'Failed');
    expect(failed).toMatchObject({ failures: 1, stopReason: expect.stringMatching(/1 environment\(s\) failed/) });
    // r1 goes back to 1.0.0 through a rollback deployment that names the run.
    const r1 = failed.waves[0].environments[0].deploymentId as string;
    const rollback = await until('the rollback of r1', async () => {
      const d = await stack.prisma.deployment.findFirst({ where: { rollbackOfId: r1 } });
      return d?.phase === 'Succeeded' ? d : undefined;
    });
    expect(rollback).toMatchObject({ kind: 'rollback', waveRunId: id });
    expect(await stack.prisma.auditEntry.count({ where: { action: 'deployment.rollback', resourceId: r1 } })).toBe(1);
  });

  it('selects environments by label when the run is created and shows the selector it froze', async () => {
    const bad = await start({ release: '1.0.0', waves: [{ environmentSelector: 'tier in (edge' }, { environmentSelector: 'tier=nowhere' }] }).expect(422);
    expect((bad.body.errors as Array<{ path: string; rule: string }>).map((e) => `${e.path} ${e.rule}`)).toEqual(['waves[0].environmentSelector label-selector', 'waves[1].environmentSelector notEmpty']);
    const created = await start({ release: '1.0.0', waves: [{ environmentSelector: 'tier=edge,region in (eu)' }, { environmentSelector: 'tier = edge, region=us' }] }).expect(202);
    expect(created.body.waves.map((w: { selector: string; environments: Array<{ environment: string }> }) => [w.selector, w.environments.map((e) => e.environment)])).toEqual([
      ['tier=edge,region in (eu)', ['s1']],
      ['tier=edge,region=us', ['s2', 's3']],
    ]);
    await runIn(created.body.id as string, (r) => r.phase === 'Succeeded', 'Succeeded');
  });

  it('refuses bad input naming the field and rule, writing nothing; refuses an environment held by a deployment with 409', async () => {
    const before = await stack.prisma.waveRun.count();
    const bad = await start({
      release: '9.9.9',
      failureBudget: -1,
      waves: [{ environments: ['w1', 'nope'] }, { environments: [], maxParallel: 0, gate: { bake: 'later' } }, { environments: ['w1'] }],
    }).expect(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const found = (bad.body.errors as Array<{ path: string; rule: string }>).map((e) => `${e.path} ${e.rule}`);
    expect(found).toEqual(['failureBudget range', 'waves[1].environments notEmpty', 'waves[1].maxParallel range', 'waves[1].gate.bake duration', 'waves[2].environments[0] unique']);
    const second = await start({ release: '9.9.9', waves: [{ environments: ['w1', 'nope'], gate: { analysis: { templates: ['missing-template'] } } }] }).expect(422);
    expect((second.body.errors as Array<{ path: string; rule: string }>).map((e) => `${e.path} ${e.rule}`)).toEqual([
      'release exists',
      'waves[0].environments[1] exists',
      'waves[0].gate.analysis.templates[0] templateExists',
      'waves[0].gate.analysis supported',
    ]);
    expect(await stack.prisma.waveRun.count()).toBe(before);

    // 1.0.0 serves in `busy`; 1.1.0 rolls out there as a canary that pauses: it holds the environment.
    const first = await request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'wave', environment: 'busy', release: '1.0.0' }).expect(202);
    await until('busy serving 1.0.0', async () => ((await request(api.server).get(`/v1/deployments/${first.body.id}`).set(as(deployer))).body.phase === 'Succeeded' ? true : undefined));
    const single = await request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'wave', environment: 'busy', release: '1.1.0', strategy: canary }).expect(202);
    const conflict = await start({ release: '1.0.0', waves: [{ environments: ['p1'] }, { environments: ['busy'] }] }).expect(409);
    expect(conflict.body).toMatchObject({ code: 'CONFLICT', details: { environment: 'busy', field: 'waves[1].environments[0]', activeDeploymentId: single.body.id } });
    expect(await stack.prisma.waveRun.count()).toBe(before);
  });
});
