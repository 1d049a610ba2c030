// Issue 12's acceptance for plans, approvals and freeze windows on the real stack: the api, the queue, the worker and
// the simulator (4 nodes of 4 CPU / 8Gi). Every app here is this file's own; freeze windows name their apps, since the
// run's database is shared with files running at the same time.
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, startWorker, until, type Stack } from '../../../../worker/test/worker-harness';
import { startTestApi, type TestApi } from '../../../test/test-api';
import { as } from '../../../test/deployments.testing';

const podSpec = (version: string, cpu: string) => ({ containers: [{ name: 'app', image: `example/app:${version}`, resources: { requests: { cpu, memory: '256Mi' } } }] });

describe('gates on the real stack: dry-run, approvals, freeze windows', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let api: TestApi;
  let admin: string;
  let alice: string;
  let bob: string;
  let carol: string;
  let cluster: string;

  const detail = async (id: string) => (await request(api.server).get(`/v1/deployments/${id}`).set(as(admin)).expect(200)).body;
  const phaseOf = (id: string, phase: string, pauseReason: string | null = null, timeoutMs = 60_000) =>
    until(`deployment ${id} in ${phase}${pauseReason ? `(${pauseReason})` : ''}`, async () => {
      const d = await detail(id);
      return d.phase === phase && (pauseReason === null || d.pauseReason === pauseReason) ? d : undefined;
    }, timeoutMs);
  const counts = async () => ({
    deployments: await stack.prisma.deployment.count(),
    audit: await stack.prisma.auditEntry.count(),
    events: await stack.prisma.deploymentEvent.count(),
  });

  async function app(name: string, env: Record<string, unknown>, releases: Array<[string, string]>): Promise<void> {
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name }).expect(201);
    await request(api.server).post(`/v1/apps/${name}/environments`).set(as(admin)).send({ name: 'prod', cluster, namespace: `ns-${name}`, ...env }).expect(201);
    for (const [version, cpu] of releases) await request(api.server).post(`/v1/apps/${name}/releases`).set(as(admin)).send({ version, podSpec: podSpec(version, cpu) }).expect(201);
  }

  beforeAll(async () => {
    stack = await startStack('gates');
    worker = await startWorker(stack);
    api = await startTestApi({ env: { CUTOVER_QUEUE_PREFIX: stack.prefix } });
    admin = await api.token('admin');
    [alice, bob, carol] = await Promise.all([api.token('deployer'), api.token('deployer'), api.token('deployer')]);
    cluster = (await stack.prisma.cluster.findUniqueOrThrow({ where: { id: stack.clusterId } })).name;
  });
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await stack?.stop();
  });

  it('a dry-run of a blue/green that does not fit says so and writes nothing; the plan of the real deployment is the same', async () => {
    // 4 pods of 3 CPU fit one per node; a second colour of 4 × 3 CPU does not (4 CPU stay free).
    await app('gate-big', { replicas: 4, strategy: { type: 'BlueGreen', autoPromotionEnabled: false } }, [['1.0.0', '3'], ['1.1.0', '3']]);
    const first = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-big', environment: 'prod', release: '1.0.0' }).expect(202);
    await phaseOf(first.body.id, 'Succeeded');

    const before = await counts();
    const dry = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-big', environment: 'prod', release: '1.1.0', dryRun: true }).expect(200);
    expect(await counts()).toEqual(before);
    expect(dry.body).toMatchObject({ dryRun: true, release: '1.1.0', previousRelease: '1.0.0', plan: { strategy: 'BlueGreen', verdict: 'does-not-fit', extraPods: 4 } });
    expect(dry.body.plan.resources).toMatchObject({ perPod: { cpuMillis: 3000 }, extra: { cpuMillis: 12_000 }, free: { cpuMillis: 4000 } });
    expect(dry.body.plan.warnings).toContainEqual(expect.objectContaining({ code: 'does-not-fit', message: expect.stringContaining('second full colour') }));
    expect(dry.body.plan.gates.map((g: { kind: string }) => g.kind)).toEqual(['promotion', 'pause']);

    // Same validation as a create: a bad strategy is a 422 naming the field, and still nothing is written.
    const bad = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-big', environment: 'prod', release: '1.1.0', dryRun: true, strategy: { type: 'Sideways' } }).expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'strategy.type' })]);
    const gql = await request(api.server)
      .post('/graphql')
      .set(as(alice))
      .send({ query: '{ planDeployment(input: {app: "gate-big", environment: "prod", release: "1.1.0"}) { plan { verdict extraPods } } }' })
      .expect(200);
    expect(gql.body.data.planDeployment.plan).toEqual({ verdict: 'does-not-fit', extraPods: 4 });
    expect(await counts()).toEqual(before);

    // The real deployment's plan is the same function's answer (the detail does not read the cluster's capacity).
    const created = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-big', environment: 'prod', release: '1.1.0' }).expect(202);
    const { resources: dryResources, verdict: _v, warnings: _w, ...dryPlan } = dry.body.plan;
    const { resources: realResources, verdict, warnings: _rw, ...realPlan } = (await detail(created.body.id)).planReport;
    expect(realPlan).toEqual(dryPlan);
    expect(realResources.extra).toEqual(dryResources.extra);
    expect(verdict).toBe('unknown');
    // The machine's own preflight agrees with the plan: the rollout fails for want of capacity instead of half-starting.
    const failed = await phaseOf(created.body.id, 'Failed');
    expect(failed.failureReason).toContain('second full colour');
  });

  it('a production promote needing 2 approvals waits for the second distinct approver; the deployer’s own approval does not count', async () => {
    await app('gate-appr', { replicas: 2, protected: true, strategy: { type: 'BlueGreen', autoPromotionEnabled: false, scaleDownDelaySeconds: 1 } }, [['1.0.0', '100m'], ['1.1.0', '100m']]);
    const first = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-appr', environment: 'prod', release: '1.0.0' }).expect(202);
    await phaseOf(first.body.id, 'Succeeded');

    const impossible = await request(api.server).patch('/v1/apps/gate-appr/environments/prod').set(as(admin)).send({ approvals: { required: 3, from: ['token:a', 'token:b'] } }).expect(422);
    expect(impossible.body.errors).toEqual([expect.objectContaining({ path: 'approvals.required', rule: 'possible' })]);
    const env = await request(api.server).patch('/v1/apps/gate-appr/environments/prod').set(as(admin)).send({ approvals: { required: 2, from: ['deployer'], expiresAfter: '1h' } }).expect(200);
    expect(env.body.approvals).toEqual({ required: 2, from: ['deployer'], expiresAfterSeconds: 3600, excludeDeployer: true, on: 'final' });

    const second = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-appr', environment: 'prod', release: '1.1.0', reason: 'release train' }).expect(202);
    const id = second.body.id as string;
    await phaseOf(id, 'Paused', 'AwaitingApproval');

    const early = await request(api.server).post(`/v1/deployments/${id}/promote`).set(as(alice)).send({}).expect(409);
    expect(early.body.detail).toContain('2 more approvals from deployer or admin (not');
    const own = await request(api.server).post(`/v1/deployments/${id}/approvals`).set(as(alice)).send({ reason: 'mine' }).expect(403);
    expect(own.body.detail).toContain('separation of duties');

    const one = await request(api.server).post(`/v1/deployments/${id}/approvals`).set(as(bob)).send({ reason: 'dashboards fine' }).expect(201);
    expect(one.body.current).toMatchObject({ step: 'awaitPromotion', required: 2, satisfied: false, needed: expect.stringContaining('1 more approval') });
    await request(api.server).post(`/v1/deployments/${id}/approvals`).set(as(bob)).send({}).expect(409);
    const stillOne = await request(api.server).post(`/v1/deployments/${id}/promote`).set(as(alice)).send({}).expect(409);
    expect(stillOne.body.detail).toContain('1 more approval');
    expect((await detail(id)).pauseReason).toBe('AwaitingApproval');

    const two = await request(api.server).post(`/v1/deployments/${id}/approvals`).set(as(carol)).send({ reason: 'ok' }).expect(201);
    expect(two.body.current).toMatchObject({ satisfied: true, needed: 'none' });
    await phaseOf(id, 'Paused', 'AwaitingPromotion');
    await request(api.server).post(`/v1/deployments/${id}/promote`).set(as(alice)).send({ reason: 'approved' }).expect(202);
    const done = await phaseOf(id, 'Succeeded');
    const types = done.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ApprovalGiven', 'ApprovalsComplete']));
    expect(done.events).toContainEqual(expect.objectContaining({ type: 'PhaseChanged', data: expect.objectContaining({ pauseReason: 'AwaitingApproval' }) }));

    const listed = await request(api.server).get(`/v1/deployments/${id}/approvals`).set(as(admin)).expect(200);
    expect(listed.body.approvals.map((a: { counts: boolean }) => a.counts)).toEqual([true, true]);
    expect(listed.body.passed).toEqual(['awaitPromotion']);
    expect(await stack.prisma.auditEntry.count({ where: { action: 'deployment.approve', resourceId: id } })).toBe(4);
  });

  it('a deploy inside a freeze is refused; the same with an admin override goes through, marked; a rollback is always allowed', async () => {
    await app('gate-frz', { replicas: 2, strategy: { type: 'RollingUpdate' } }, [['1.0.0', '100m'], ['1.1.0', '100m'], ['1.2.0', '100m']]);
    const first = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-frz', environment: 'prod', release: '1.0.0' }).expect(202);
    await phaseOf(first.body.id, 'Succeeded');

    const now = Date.now();
    const window = await request(api.server)
      .post('/v1/freeze-windows')
      .set(as(admin))
      .send({ name: 'gate-frz-window', apps: ['gate-frz'], from: new Date(now - 60_000).toISOString(), to: new Date(now + 3_600_000).toISOString(), reason: 'Black Friday' })
      .expect(201);
    const active = await request(api.server).get('/v1/freeze-windows').query({ at: 'now' }).set(as(alice)).expect(200);
    expect(active.body.items.map((w: { name: string }) => w.name)).toContain('gate-frz-window');

    const before = await counts();
    const refused = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-frz', environment: 'prod', release: '1.1.0' }).expect(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'CONFLICT', details: { freezeWindow: 'gate-frz-window', frozenUntil: new Date(window.body.to).toISOString() } });
    expect(refused.body.detail).toContain('"gate-frz-window" until');
    const notAdmin = await request(api.server).post('/v1/deployments').set(as(alice)).send({ app: 'gate-frz', environment: 'prod', release: '1.1.0', override: { reason: 'please' } }).expect(403);
    expect(notAdmin.body.errors).toEqual([expect.objectContaining({ path: 'override' })]);
    expect((await counts()).deployments).toBe(before.deployments);

    const through = await request(api.server).post('/v1/deployments').set(as(admin)).send({ app: 'gate-frz', environment: 'prod', release: '1.1.0', override: { reason: 'hotfix for checkout' } }).expect(202);
    expect(through.body.freezeOverride).toMatchObject({ reason: 'hotfix for checkout', role: 'admin', windows: [expect.objectContaining({ name: 'gate-frz-window' })] });
    const entry = await stack.prisma.auditEntry.findFirstOrThrow({ where: { action: 'deployment.create', resourceId: through.body.id } });
    expect(entry.reason).toContain('freeze override (gate-frz-window): hotfix for checkout');
    const done = await phaseOf(through.body.id, 'Succeeded');
    expect(done.events).toContainEqual(expect.objectContaining({ type: 'FreezeOverridden' }));

    const rollback = await request(api.server).post(`/v1/deployments/${through.body.id}/rollback`).set(as(alice)).send({ reason: 'bad hotfix' }).expect(202);
    await phaseOf(rollback.body.deployment.id, 'Succeeded');
    await request(api.server).delete(`/v1/freeze-windows/${window.body.id}`).set(as(admin)).expect(204);
  });
});
