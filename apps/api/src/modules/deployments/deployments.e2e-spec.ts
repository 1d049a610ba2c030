import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismaClient } from '@cutover/persistence';
import { DeploymentQueue } from '@cutover/queue';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';
import { as, canaryStrategy, DeploymentStates, seedApp } from '../../../test/deployments.testing';

describe('deployments: create, read, history (REST + GraphQL)', () => {
  let api: TestApi;
  let db: PrismaClient;
  let states: DeploymentStates;
  let admin: string;
  let deployer: string;
  let viewer: string;
  let outsider: string;

  const create = (token: string, body: object, headers: Record<string, string> = {}) =>
    request(api.server).post('/v1/deployments').set(as(token)).set(headers).send(body);

  beforeAll(async () => {
    api = await startTestApi();
    db = createTestPrisma();
    states = new DeploymentStates(api);
    admin = await api.token('admin');
    deployer = await api.token('deployer', { apps: ['dshop'] });
    viewer = await api.token('viewer');
    outsider = await api.token('deployer', { apps: ['dshop'], environments: ['staging'] });
    await seedApp(api, db, admin, 'dshop', ['production', 'staging', 'qa', 'gql', 'idem', 'idem2']);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.close();
  });

  it('creates a deployment: 202, phase Pending, row + first event + audit entry', async () => {
    const res = await create(deployer, { app: 'dshop', environment: 'production', release: '1.0.0', reason: 'first' }).expect(202);
    expect(res.body).toMatchObject({ app: 'dshop', environment: 'production', release: '1.0.0', previousRelease: null, phase: 'Pending', kind: 'deploy', active: true, reason: 'first', version: 0, etag: 'W/"0"' });
    expect(res.headers.etag).toBe('W/"0"');
    expect(res.body.strategy).toMatchObject({ type: 'Canary', trafficRouting: { type: 'replicas' } });
    const row = await db.deployment.findUniqueOrThrow({ where: { id: res.body.id }, include: { events: true } });
    expect(row.activeKey).toBe(row.environmentId);
    expect(row.events.map((e) => e.type)).toEqual(['Created']);
    expect((row.state as { ctx: { replicas: number; release: string } }).ctx).toMatchObject({ replicas: 4, release: '1.0.0', previousRelease: null });
    const audit = await db.auditEntry.findMany({ where: { action: 'deployment.create', resourceId: res.body.id } });
    expect(audit).toEqual([expect.objectContaining({ outcome: 'success', actorName: res.body.createdBy, reason: 'first' })]);
    // The worker is woken through the real queue (no worker runs here, so the job waits).
    const queue = api.app.get(DeploymentQueue, { strict: false });
    expect(await queue.hasJob(res.body.id)).toBe(true);
    expect((await queue.queue.getJob(res.body.id))?.data).toEqual({ deploymentId: res.body.id });
  });

  it('refuses a second deployment while one is active (409 naming it), and supersedes it on request', async () => {
    const first = await create(deployer, { app: 'dshop', environment: 'staging', release: '1.0.0' }).expect(202);
    const second = await create(deployer, { app: 'dshop', environment: 'staging', release: '1.0.1' }).expect(409);
    expect(second.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(second.body.details).toMatchObject({ activeDeploymentId: first.body.id, activePhase: 'Pending' });
    expect(second.body.detail).toContain(first.body.id);
    expect(await db.deployment.count({ where: { environment: { name: 'staging', application: { name: 'dshop' } } } })).toBe(1);
    expect(await db.auditEntry.count({ where: { action: 'deployment.create', outcome: 'denied', statusCode: 409 } })).toBeGreaterThanOrEqual(1);

    await request(api.server).post(`/v1/deployments/${first.body.id}/abort`).set(as(deployer)).send({ reason: 'queued before supersede' }).expect(202);
    const third = await create(deployer, { app: 'dshop', environment: 'staging', release: '1.0.1', supersede: true, reason: 'hotfix' }).expect(202);
    const old = await request(api.server).get(`/v1/deployments/${first.body.id}`).set(as(viewer)).expect(200);
    expect(old.body).toMatchObject({ phase: 'Superseded', active: false });
    expect(old.body.finishedAt).toEqual(expect.any(String));
    expect(old.body.events.map((e: { type: string }) => e.type)).toEqual(['Created', 'Superseded']);
    expect(old.body.events[1].data).toMatchObject({ supersededBy: third.body.id });
    expect(old.body.commands).toEqual([expect.objectContaining({ type: 'abort', status: 'rejected', result: `superseded by ${third.body.id}` })]);
    const audit = await db.auditEntry.findMany({ where: { action: 'deployment.supersede', resourceId: first.body.id } });
    expect(audit).toEqual([expect.objectContaining({ outcome: 'success', reason: 'hotfix' })]);
    const active = await db.deployment.findMany({ where: { activeKey: { not: null }, environment: { name: 'staging', application: { name: 'dshop' } } } });
    expect(active.map((d) => d.id)).toEqual([third.body.id]);
  });

  it('replays the first answer for the same Idempotency-Key and body, and refuses the key with another body (422)', async () => {
    const body = { app: 'dshop', environment: 'idem', release: '1.0.2', reason: 'idem' };
    const key = { 'Idempotency-Key': 'deploy-idem-1' };
    const first = await create(deployer, body, key).expect(202);
    await states.set(first.body.id, { phase: 'Progressing', rollout: 'none' });
    const again = await create(deployer, body, key).expect(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(await db.deployment.count({ where: { environment: { name: 'idem' } } })).toBe(1);
    expect(await db.auditEntry.count({ where: { action: 'deployment.create', resourceId: first.body.id } })).toBe(1);

    const other = await create(deployer, { ...body, release: '1.0.3' }, key).expect(422);
    expect(other.body).toMatchObject({ code: 'UNPROCESSABLE', status: 422 });
    expect(await db.deployment.count({ where: { environment: { name: 'idem' } } })).toBe(1);

    // Keys are per caller: another token's same key is a new request (here refused because one is active).
    await create(admin, body, key).expect(409);
    await create(deployer, body, { 'Idempotency-Key': 'bad key with spaces' }).expect(422);
  });

  it('answers concurrent requests with one key once: one deployment, the same answer to all', async () => {
    const body = { app: 'dshop', environment: 'idem2', release: '1.0.1' };
    const results = await Promise.all(Array.from({ length: 6 }, () => create(deployer, body, { 'Idempotency-Key': 'race-key' })));
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(new Set(results.map((r) => r.body.id as string)).size).toBe(1);
    expect(await db.deployment.count({ where: { environment: { name: 'idem2' } } })).toBe(1);
    expect(await db.idempotencyRecord.count({ where: { key: 'race-key' } })).toBe(1);
  });

  it('refuses an invalid strategy override (422 naming strategy.<field>) and writes nothing', async () => {
    const before = await db.deployment.count();
    const empty = await create(deployer, { app: 'dshop', environment: 'qa', release: '1.0.0', strategy: { type: 'Canary', steps: [] } }).expect(422);
    expect(empty.body.errors).toEqual([expect.objectContaining({ path: 'strategy.steps' })]);
    const unknown = await create(deployer, { app: 'dshop', environment: 'qa', release: '1.0.0', strategy: { type: 'Bogus' } }).expect(422);
    expect(unknown.body.errors[0].path).toBe('strategy.type');
    const weight = await create(deployer, { app: 'dshop', environment: 'qa', release: '1.0.0', strategy: { type: 'Canary', steps: [{ setWeight: 120 }] } }).expect(422);
    expect(weight.body.errors[0].path).toMatch(/^strategy\.steps\[0\]\.setWeight/);
    const missing = await create(deployer, { app: 'dshop', environment: 'qa', release: '9.9.9' }).expect(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'release', rule: 'exists' })]);
    const extra = await create(deployer, { app: 'dshop', environment: 'qa', release: '1.0.0', colour: 'red' }).expect(422);
    expect(extra.body.errors).toEqual([expect.objectContaining({ path: 'colour', rule: 'unknownProperty' })]);
    expect(await db.deployment.count()).toBe(before);
  });

  it('keeps viewers from deploying and deployers to their scope (403, audited)', async () => {
    const denied = await create(viewer, { app: 'dshop', environment: 'qa', release: '1.0.0' }).expect(403);
    expect(denied.body.code).toBe('FORBIDDEN');
    const viewerAudit = await db.auditEntry.findMany({ where: { action: 'deployment.create', outcome: 'denied', statusCode: 403, actorName: { startsWith: 'test-viewer' } } });
    expect(viewerAudit.length).toBe(1);

    await create(outsider, { app: 'dshop', environment: 'qa', release: '1.0.0' }).expect(403);
    const scoped = await db.auditEntry.findMany({ where: { action: 'deployment.create', outcome: 'denied', statusCode: 403, actorName: { not: { startsWith: 'test-viewer' } } } });
    expect(scoped.length).toBe(1);
    expect(await db.deployment.count({ where: { environment: { name: 'qa' } } })).toBe(0);
  });

  it('shows the detail: plan, current step, sides, traffic, pods with init-container progress, timeline, ETag', async () => {
    const created = await create(admin, { app: 'dshop', environment: 'qa', release: '1.0.3', strategy: { ...canaryStrategy } }).expect(202);
    const pending = await request(api.server).get(`/v1/deployments/${created.body.id}`).set(as(viewer)).expect(200);
    expect(pending.headers.etag).toBe('W/"0-0"');
    expect(pending.body.etag).toBe('W/"0-0"');
    // A poller that sends the ETag back gets 304 without a body while nothing changed.
    const same = await request(api.server).get(`/v1/deployments/${created.body.id}`).set(as(viewer)).set('If-None-Match', 'W/"0-0"').expect(304);
    expect(same.text).toBe('');
    expect(same.headers.etag).toBe('W/"0-0"');
    expect(pending.body).toMatchObject({ phase: 'Pending', currentStep: null, failure: null, trafficWeight: null });
    expect(pending.body.plan.steps.map((s: { title: string }) => s.title)).toEqual([
      'Set weight 25%',
      'Pause until promoted',
      'Set weight 50%',
      'Pause 30s',
      'Set weight 100%',
      'Move stable to the new release, then scale the canary to zero',
    ]);
    expect(pending.body.plan.steps[0].replicas).toEqual({ stable: 4, canary: 1 });

    const base = await states.state(created.body.id);
    await states.setRaw(created.body.id, {
      ...base,
      phase: 'Paused',
      pauseReason: 'PauseStep',
      baseline: { workloads: [], services: [{ name: 'dshop', selector: { 'app.kubernetes.io/name': 'dshop' } }] },
      rollout: { kind: 'canary', stage: 'steps', since: 0, stepIndex: 1, stepEntered: true, weight: 25, scale: null, checkAttempt: 1 },
      // What decide's statusView keeps in state.status after the worker observed the cluster.
      status: {
        observedAt: 0,
        step: null,
        sides: [{ side: 'canary', workload: 'dshop-canary', release: '1.0.3', desired: 1, updated: 1, ready: 0, available: 0 }],
        newTrafficPercent: 0,
        services: { dshop: { 'app.kubernetes.io/name': 'dshop', 'cutover.dev/environment': 'qa' } },
        pods: [{ name: 'dshop-canary-abc', workload: 'dshop-canary', release: '1.0.3', phase: 'Pending', ready: false, progress: '1/2 init containers done, `migrate` running' }],
      },
    } as typeof base);
    const paused = await request(api.server).get(`/v1/deployments/${created.body.id}`).set(as(viewer)).expect(200);
    expect(paused.headers.etag).toBe('W/"1-0"');
    await request(api.server).get(`/v1/deployments/${created.body.id}`).set(as(viewer)).set('If-None-Match', 'W/"0-0"').expect(200);
    // A command waiting for the worker changes the detail (its command list) without moving the version.
    await request(api.server).post(`/v1/deployments/${created.body.id}/promote`).set(as(admin)).send({}).expect(202);
    const commanded = await request(api.server).get(`/v1/deployments/${created.body.id}`).set(as(viewer)).set('If-None-Match', 'W/"1-0"').expect(200);
    expect(commanded.headers.etag).toBe('W/"1-1"');
    expect(commanded.body.commands).toHaveLength(1);
    expect(paused.body).toMatchObject({ phase: 'Paused', pauseReason: 'PauseStep', currentStep: 1, trafficWeight: 20 });
    expect(paused.body.sides).toEqual([
      { side: 'stable', workload: 'dshop-stable', release: null, desired: 4, updated: null, ready: null, available: null },
      { side: 'canary', workload: 'dshop-canary', release: '1.0.3', desired: 1, updated: 1, ready: 0, available: 0 },
    ]);
    expect(paused.body.services).toEqual([{ name: 'dshop', selector: { 'app.kubernetes.io/name': 'dshop', 'cutover.dev/environment': 'qa' }, source: 'observed' }]);
    expect(paused.body.pods).toMatchObject({ total: 1, ready: 0, items: [{ name: 'dshop-canary-abc', progress: '1/2 init containers done, `migrate` running' }] });
    expect(paused.body.events[0]).toMatchObject({ type: 'Created', actor: expect.stringMatching(/^cutover-bootstrap|^test-admin/) });

    await request(api.server).get('/v1/deployments/00000000-0000-4000-8000-000000000000').set(as(viewer)).expect(404);
    await request(api.server).get('/v1/deployments/not-a-uuid').set(as(viewer)).expect(404);
  });

  it('lists with filters and pagination, and shows the history of an environment newest first', async () => {
    const d1 = await create(admin, { app: 'dshop', environment: 'gql', release: '1.0.0', reason: 'one' }).expect(202);
    await states.set(d1.body.id, { phase: 'Succeeded' });
    const d2 = await create(admin, { app: 'dshop', environment: 'gql', release: '1.0.1', reason: 'two' }).expect(202);
    expect(d2.body.previousRelease).toBe('1.0.0');
    await states.set(d2.body.id, { phase: 'Failed' });
    const d3 = await create(deployer, { app: 'dshop', environment: 'gql', release: '1.0.2', reason: 'three' }).expect(202);
    expect(d3.body.previousRelease).toBe('1.0.0');

    const page1 = await request(api.server).get('/v1/apps/dshop/environments/gql/history?limit=2').set(as(viewer)).expect(200);
    expect(page1.body.items.map((d: { id: string }) => d.id)).toEqual([d3.body.id, d2.body.id]);
    expect(page1.body.items[1]).toMatchObject({ phase: 'Failed', release: '1.0.1', previousRelease: '1.0.0', reason: 'two', failureReason: 'container `web` crashed, exit 1' });
    expect(page1.body.items[1].createdBy).toMatch(/^test-admin/);
    expect(page1.body.items[1].finishedAt).toEqual(expect.any(String));
    const page2 = await request(api.server).get(`/v1/apps/dshop/environments/gql/history?limit=2&cursor=${page1.body.nextCursor}`).set(as(viewer)).expect(200);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: d1.body.id, phase: 'Succeeded' })], nextCursor: null });
    await request(api.server).get('/v1/apps/dshop/environments/nowhere/history').set(as(viewer)).expect(404);
    await request(api.server).get('/v1/apps/dshop/environments/gql/history?cursor=bogus').set(as(viewer)).expect(422);

    const failed = await request(api.server).get('/v1/deployments?app=dshop&environment=gql&phase=Failed').set(as(viewer)).expect(200);
    expect(failed.body.items.map((d: { id: string }) => d.id)).toEqual([d2.body.id]);
    const bad = await request(api.server).get('/v1/deployments?phase=Sleeping').set(as(viewer)).expect(422);
    expect(bad.body.errors[0].path).toBe('phase');
  });

  it('mirrors everything in GraphQL through the same services', async () => {
    const gql = (token: string, query: string, variables: Record<string, unknown> = {}) => request(api.server).post('/graphql').set(as(token)).send({ query, variables });
    const active = await db.deployment.findFirstOrThrow({ where: { activeKey: { not: null }, environment: { name: 'gql' } } });
    const refused = await gql(deployer, 'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }', { i: { app: 'dshop', environment: 'gql', release: '1.0.3' } });
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409, details: { activeDeploymentId: active.id } });

    const created = await gql(
      deployer,
      'mutation($i: CreateDeploymentInput!, $k: String) { createDeployment(input: $i, idempotencyKey: $k) { id phase release previousRelease etag } }',
      { i: { app: 'dshop', environment: 'gql', release: '1.0.3', supersede: true, reason: 'gql' }, k: 'gql-key' },
    ).expect(200);
    expect(created.body.errors).toBeUndefined();
    const d = created.body.data.createDeployment;
    expect(d).toMatchObject({ phase: 'Pending', release: '1.0.3', previousRelease: '1.0.0', etag: 'W/"0"' });
    expect((await db.auditEntry.findMany({ where: { action: 'deployment.create', resourceId: d.id } }))[0]).toMatchObject({ interface: 'graphql' });

    const detail = await gql(viewer, 'query($id: ID!) { deployment(id: $id) { id phase currentStep plan { strategy steps { index title } } events { type } commands { type } } }', { id: d.id });
    expect(detail.body.errors).toBeUndefined();
    expect(detail.body.data.deployment).toMatchObject({ id: d.id, phase: 'Pending', currentStep: null, plan: { strategy: 'Canary' }, events: [{ type: 'Created' }], commands: [] });

    const pause = await gql(deployer, 'mutation($id: ID!) { pauseDeployment(id: $id, reason: "look") { commandId } }', { id: d.id });
    expect(pause.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409, details: { phase: 'Pending' } });
    await states.set(d.id, { phase: 'Paused', pauseReason: 'PauseStep' });
    const stale = await gql(deployer, 'mutation($id: ID!) { promoteDeployment(id: $id, ifMatch: "W/\\"0\\"") { commandId } }', { id: d.id });
    expect(stale.body.errors[0].extensions).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412 });
    const promoted = await gql(deployer, 'mutation($id: ID!) { promoteDeployment(id: $id, ifMatch: "W/\\"1\\"", reason: "looks good") { commandId command { type status reason } deployment { id } } }', { id: d.id });
    expect(promoted.body.errors).toBeUndefined();
    expect(promoted.body.data.promoteDeployment).toMatchObject({ command: { type: 'promote', status: 'pending', reason: 'looks good' }, deployment: { id: d.id } });

    const listed = await gql(viewer, 'query { deployments(app: "dshop", environment: "gql", limit: 1) { items { id } nextCursor } deploymentHistory(app: "dshop", environment: "gql", limit: 10) { items { id phase } } }');
    expect(listed.body.data.deployments.items).toEqual([{ id: d.id }]);
    expect(listed.body.data.deploymentHistory.items[0]).toEqual({ id: d.id, phase: 'Paused' });
    expect(listed.body.data.deploymentHistory.items.length).toBe(4);

    const viewerCreate = await gql(viewer, 'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }', { i: { app: 'dshop', environment: 'gql', release: '1.0.3' } });
    expect(viewerCreate.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});
