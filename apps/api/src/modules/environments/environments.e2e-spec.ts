import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismaClient } from '@cutover/persistence';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';

describe('environments (REST + GraphQL)', () => {
  let api: TestApi;
  let admin: string;
  let viewer: string;
  let db: PrismaClient;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const base = '/v1/apps/store/environments';

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.token('admin');
    viewer = await api.token('viewer');
    db = createTestPrisma();
    // Registered directly: cluster registration (and its credential checks) is the clusters module's business.
    await db.cluster.create({ data: { name: 'env-e2e', server: 'https://127.0.0.1:1', authKind: 'token', credentials: Buffer.from('x') } });
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'store' }).expect(201);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.close();
  });

  it('creates an environment with the default strategy, and refuses a duplicate (409)', async () => {
    const created = await request(api.server)
      .post(base)
      .set(as(admin))
      .send({ name: 'staging', cluster: 'env-e2e', namespace: 'store', replicas: 2, service: { port: 80, targetPort: 'http' } })
      .expect(201);
    expect(created.body).toMatchObject({
      app: 'store',
      name: 'staging',
      cluster: 'env-e2e',
      namespace: 'store',
      replicas: 2,
      service: { port: 80, targetPort: 'http' },
      strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' },
    });
    expect(await db.auditEntry.count({ where: { action: 'environment.create', resourceId: created.body.id, outcome: 'success' } })).toBe(1);

    await request(api.server).get(`${base}/staging`).set(as(viewer)).expect(200);
    const dup = await request(api.server).post(base).set(as(admin)).send({ name: 'staging', cluster: 'env-e2e', namespace: 'x', replicas: 1 }).expect(409);
    expect(dup.body.code).toBe('CONFLICT');
  });

  it('names each bad field: unknown cluster, namespace, replicas, service ports, strategy', async () => {
    const requestId = `env-bad-${Date.now()}`;
    const missingCluster = await request(api.server).post(base).set(as(admin)).set('x-request-id', requestId).send({ name: 'prod', cluster: 'nowhere', namespace: 'store', replicas: 1 }).expect(422);
    expect(missingCluster.body.errors).toEqual([expect.objectContaining({ path: 'cluster', rule: 'cluster-exists' })]);

    const bad = await request(api.server)
      .post(base)
      .set(as(admin))
      .send({ name: 'prod', cluster: 'env-e2e', namespace: 'Store_NS', replicas: 1001, service: { port: 0, targetPort: 'Not A Name' } })
      .expect(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['namespace', 'replicas', 'service.port', 'service.targetPort']);

    const strategy = await request(api.server)
      .post(base)
      .set(as(admin))
      .send({ name: 'prod', cluster: 'env-e2e', namespace: 'store', replicas: 1, strategy: { type: 'Sideways' } })
      .expect(422);
    expect(strategy.body.errors).toEqual([expect.objectContaining({ path: 'strategy.type' })]);
    const store = await db.application.findUniqueOrThrow({ where: { name: 'store' } });
    expect(await db.environment.count({ where: { applicationId: store.id, name: 'prod' } })).toBe(0);
    expect(await db.auditEntry.count({ where: { requestId } })).toBe(0);
  });

  it('patches replicas, strategy and service; refuses changing name, cluster or namespace', async () => {
    const patched = await request(api.server)
      .patch(`${base}/staging`)
      .set(as(admin))
      .send({ replicas: 5, strategy: { type: 'Recreate' }, service: { port: 8080, targetPort: 8080 } })
      .expect(200);
    expect(patched.body).toMatchObject({ replicas: 5, strategy: { type: 'Recreate' }, service: { port: 8080, targetPort: 8080 } });
    expect(await db.auditEntry.count({ where: { action: 'environment.update', resourceId: patched.body.id } })).toBe(1);

    const immutable = await request(api.server).patch(`${base}/staging`).set(as(admin)).send({ namespace: 'elsewhere', replicas: 1 }).expect(422);
    expect(immutable.body.errors).toEqual([expect.objectContaining({ path: 'namespace', rule: 'immutable' })]);
    const renamed = await request(api.server).patch(`${base}/staging`).set(as(admin)).send({ name: 'prod', cluster: 'other' }).expect(422);
    expect(renamed.body.errors.map((e: { path: string }) => e.path)).toEqual(['name', 'cluster']);
    const read = await request(api.server).get(`${base}/staging`).set(as(viewer)).expect(200);
    expect(read.body.replicas).toBe(5);
    // Conditional reads: 304 without a body for the ETag the poller has, until the environment changes.
    const etag = read.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const same = await request(api.server).get(`${base}/staging`).set(as(viewer)).set('If-None-Match', etag).expect(304);
    expect(same.text).toBe('');

    const cleared = await request(api.server).patch(`${base}/staging`).set(as(admin)).send({ service: null }).expect(200);
    expect(cleared.body.service).toBeNull();
    const changed = await request(api.server).get(`${base}/staging`).set(as(viewer)).set('If-None-Match', etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    await request(api.server).patch(`${base}/staging`).set(as(viewer)).send({ replicas: 1 }).expect(403);
    await request(api.server).patch(`${base}/nope`).set(as(admin)).send({ replicas: 1 }).expect(404);
  });

  it('labels: stored on create, replaced by PATCH, validated like app and cluster labels (nothing written when broken)', async () => {
    const created = await request(api.server)
      .post(base)
      .set(as(admin))
      .send({ name: 'labelled', cluster: 'env-e2e', namespace: 'store', replicas: 1, labels: { tier: 'prod', 'example.com/region': 'eu' } })
      .expect(201);
    expect(created.body.labels).toEqual({ tier: 'prod', 'example.com/region': 'eu' });
    expect((await request(api.server).get(`${base}/labelled`).set(as(viewer)).expect(200)).body.labels).toEqual({ tier: 'prod', 'example.com/region': 'eu' });
    const unlabelled = await request(api.server).get(`${base}/staging`).set(as(viewer)).expect(200);
    expect(unlabelled.body.labels).toEqual({});

    const requestId = `env-labels-bad-${Date.now()}`;
    const bad = await request(api.server)
      .post(base)
      .set(as(admin))
      .set('x-request-id', requestId)
      .send({ name: 'bad-labels', cluster: 'env-e2e', namespace: 'store', replicas: 1, labels: { 'bad key!': 'v', tier: '-prod-', n: 7 } })
      .expect(422);
    expect(bad.body.errors.map((e: { path: string; rule: string }) => `${e.path} ${e.rule}`).sort()).toEqual(['labels.n type', 'labels.tier label-value', 'labels["bad key!"] label-key']);
    const notObject = await request(api.server).post(base).set(as(admin)).send({ name: 'bad-labels', cluster: 'env-e2e', namespace: 'store', replicas: 1, labels: ['tier'] }).expect(422);
    expect(notObject.body.errors).toEqual([expect.objectContaining({ path: 'labels' })]);
    expect(await db.auditEntry.count({ where: { requestId } })).toBe(0);
    await request(api.server).get(`${base}/bad-labels`).set(as(viewer)).expect(404);

    const patched = await request(api.server).patch(`${base}/labelled`).set(as(admin)).send({ labels: { tier: 'staging' } }).expect(200);
    expect(patched.body.labels).toEqual({ tier: 'staging' });
    const kept = await request(api.server).patch(`${base}/labelled`).set(as(admin)).send({ replicas: 2 }).expect(200);
    expect(kept.body.labels).toEqual({ tier: 'staging' });
    await request(api.server).patch(`${base}/labelled`).set(as(admin)).send({ labels: { ok: 'v', [`k${'x'.repeat(63)}`]: 'v' } }).expect(422);
    expect((await request(api.server).get(`${base}/labelled`).set(as(viewer)).expect(200)).body.labels).toEqual({ tier: 'staging' });
    const cleared = await request(api.server).patch(`${base}/labelled`).set(as(admin)).send({ labels: {} }).expect(200);
    expect(cleared.body.labels).toEqual({});
    await request(api.server).delete(`${base}/labelled`).set(as(admin)).expect(204);
  });

  it('refuses to delete while a deployment is active (409), then deletes (204)', async () => {
    const env = await request(api.server).post(base).set(as(admin)).send({ name: 'canary', cluster: 'env-e2e', namespace: 'store', replicas: 1 }).expect(201);
    const app = await db.application.findUniqueOrThrow({ where: { name: 'store' } });
    const release = await db.release.create({ data: { applicationId: app.id, version: 'e1', seq: 100, spec: {}, digest: 'sha256:x', createdBy: 'test' } });
    const deployment = await db.deployment.create({
      data: { environmentId: env.body.id, releaseId: release.id, strategy: {}, phase: 'Progressing', activeKey: env.body.id, createdBy: 'test' },
    });
    const refused = await request(api.server).delete(`${base}/canary`).set(as(admin)).expect(409);
    expect(refused.body.details).toMatchObject({ activeDeploymentId: deployment.id });
    await db.deployment.update({ where: { id: deployment.id }, data: { activeKey: null, phase: 'Succeeded' } });
    await request(api.server).delete(`${base}/canary`).set(as(admin)).expect(204);
    await request(api.server).get(`${base}/canary`).set(as(viewer)).expect(404);
    expect(await db.auditEntry.count({ where: { action: 'environment.delete', resourceId: env.body.id } })).toBe(1);
  });

  it('GraphQL createEnvironment, updateEnvironment, environments and deleteEnvironment', async () => {
    const gql = (token: string, query: string, variables: Record<string, unknown> = {}) =>
      request(api.server).post('/graphql').set(as(token)).send({ query, variables });
    const created = await gql(
      admin,
      'mutation($input: CreateEnvironmentInput!) { createEnvironment(app: "store", input: $input) { name cluster replicas strategy service { port targetPort } labels } }',
      { input: { name: 'gql', cluster: 'env-e2e', namespace: 'store', replicas: 3, service: { port: 80, targetPort: 8080 }, labels: { tier: 'prod' } } },
    );
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createEnvironment).toMatchObject({ name: 'gql', replicas: 3, service: { port: 80, targetPort: 8080 }, labels: { tier: 'prod' } });

    const updated = await gql(admin, 'mutation { updateEnvironment(app: "store", name: "gql", input: { replicas: 4, labels: { region: "eu" } }) { replicas labels } }');
    expect(updated.body.data.updateEnvironment).toEqual({ replicas: 4, labels: { region: 'eu' } });
    const badLabels = await gql(admin, 'mutation { updateEnvironment(app: "store", name: "gql", input: { labels: { region: "-eu" } }) { labels } }');
    expect(badLabels.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', status: 422 });
    const immutable = await gql(admin, 'mutation { updateEnvironment(app: "store", name: "gql", input: { cluster: "x" }) { replicas } }');
    expect(immutable.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', status: 422 });

    const listed = await gql(viewer, 'query { environments(app: "store") { items { name } nextCursor } }');
    expect(listed.body.data.environments.items.map((e: { name: string }) => e.name)).toEqual(['gql', 'staging']);
    const nested = await gql(viewer, 'query { app(name: "store") { environments { items { name replicas } } } }');
    expect(nested.body.data.app.environments.items).toEqual([{ name: 'gql', replicas: 4 }, { name: 'staging', replicas: 5 }]);

    const deleted = await gql(admin, 'mutation { deleteEnvironment(app: "store", name: "gql") }');
    expect(deleted.body.data).toEqual({ deleteEnvironment: true });
    const forbidden = await gql(viewer, 'mutation { deleteEnvironment(app: "store", name: "staging") }');
    expect(forbidden.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});
