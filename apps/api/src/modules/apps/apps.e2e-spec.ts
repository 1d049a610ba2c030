import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismaClient } from '@cutover/persistence';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';

describe('apps (REST + GraphQL)', () => {
  let api: TestApi;
  let admin: string;
  let viewer: string;
  let db: PrismaClient;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  const gql = (token: string, query: string, variables: Record<string, unknown> = {}) =>
    request(api.server).post('/graphql').set(as(token)).send({ query, variables });

  const auditRows = (action: string, resourceId?: string) =>
    db.auditEntry.findMany({ where: { action, ...(resourceId ? { resourceId } : {}) }, orderBy: { seq: 'asc' } });

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.token('admin');
    viewer = await api.token('viewer');
    db = createTestPrisma();
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.close();
  });

  it('creates checkout (201), refuses it again (409) and Bad_Name (422 naming name)', async () => {
    const created = await request(api.server)
      .post('/v1/apps')
      .set(as(admin))
      .send({ name: 'checkout', description: 'The checkout service', labels: { team: 'payments' } })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'checkout', description: 'The checkout service', labels: { team: 'payments' } });
    const audit = await auditRows('app.create', created.body.id);
    expect(audit).toEqual([expect.objectContaining({ outcome: 'success', resourceType: 'app', interface: 'rest' })]);
    expect(audit[0].inputDigest).toMatch(/^[0-9a-f]{64}$/);

    const again = await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'checkout' }).expect(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(await db.application.count({ where: { name: 'checkout' } })).toBe(1);
    expect(await auditRows('app.create', created.body.id)).toHaveLength(1);

    const bad = await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'Bad_Name' }).expect(422);
    expect(bad.body).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'name', rule: 'dns1123-label' })]);
    expect(await db.application.count({ where: { name: 'Bad_Name' } })).toBe(0);
  });

  it('names the broken label with its path, and writes nothing', async () => {
    const requestId = `app-labels-${Date.now()}`;
    const res = await request(api.server)
      .post('/v1/apps')
      .set(as(admin))
      .set('x-request-id', requestId)
      .send({ name: 'labelled', labels: { 'bad key': 'x', team: 'a b' } })
      .expect(422);
    expect(res.body.errors.map((e: { path: string; rule: string }) => [e.path, e.rule])).toEqual([
      ['labels["bad key"]', 'label-key'],
      ['labels.team', 'label-value'],
    ]);
    expect(await db.application.count({ where: { name: 'labelled' } })).toBe(0);
    expect(await db.auditEntry.count({ where: { requestId } })).toBe(0);
  });

  it('lets a viewer read but not create (403)', async () => {
    await request(api.server).get('/v1/apps/checkout').set(as(viewer)).expect(200);
    const res = await request(api.server).post('/v1/apps').set(as(viewer)).send({ name: 'viewer-made' }).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await db.application.count({ where: { name: 'viewer-made' } })).toBe(0);
  });

  it('lists by name with a cursor and filters by label', async () => {
    for (const [name, team] of [['list-a', 'red'], ['list-b', 'blue'], ['list-c', 'red']] as const) {
      await request(api.server).post('/v1/apps').set(as(admin)).send({ name, labels: { team, tier: 'web' } }).expect(201);
    }
    const red = await request(api.server).get('/v1/apps').query({ label: 'team=red' }).set(as(viewer)).expect(200);
    expect(red.body.items.map((a: { name: string }) => a.name)).toEqual(['list-a', 'list-c']);
    const both = await request(api.server).get('/v1/apps?label=team=red&label=tier=web').set(as(viewer)).expect(200);
    expect(both.body.items.map((a: { name: string }) => a.name)).toEqual(['list-a', 'list-c']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(api.server)
        .get('/v1/apps')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(as(viewer))
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((a: { name: string }) => a.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(['checkout', 'list-a', 'list-b', 'list-c']));

    await request(api.server).get('/v1/apps?limit=0').set(as(viewer)).expect(422);
    await request(api.server).get('/v1/apps/nope').set(as(viewer)).expect(404);
  });

  it('refuses to delete an app while one of its deployments is active (409), then deletes it (204)', async () => {
    const app = await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'busy' }).expect(201);
    const cluster = await db.cluster.create({
      data: { name: 'apps-e2e-cluster', server: 'https://127.0.0.1:1', authKind: 'token', credentials: Buffer.from('x') },
    });
    const env = await db.environment.create({
      data: { applicationId: app.body.id, name: 'prod', clusterId: cluster.id, namespace: 'busy', replicas: 1, strategy: { type: 'Recreate' } },
    });
    const release = await db.release.create({
      data: { applicationId: app.body.id, version: '1', seq: 1, spec: {}, digest: 'sha256:x', createdBy: 'test' },
    });
    const deployment = await db.deployment.create({
      data: { environmentId: env.id, releaseId: release.id, strategy: {}, phase: 'Progressing', activeKey: env.id, createdBy: 'test' },
    });

    const refused = await request(api.server).delete('/v1/apps/busy').set(as(admin)).expect(409);
    expect(refused.body).toMatchObject({ code: 'CONFLICT' });
    expect(await db.application.count({ where: { name: 'busy' } })).toBe(1);
    expect(await auditRows('app.delete', app.body.id)).toHaveLength(0);

    // Ended deployments do not block, and go with the app.
    await db.deployment.update({ where: { id: deployment.id }, data: { activeKey: null, phase: 'Succeeded' } });
    await request(api.server).delete('/v1/apps/busy').set(as(admin)).expect(204);
    expect(await db.application.count({ where: { name: 'busy' } })).toBe(0);
    expect(await db.release.count({ where: { applicationId: app.body.id } })).toBe(0);
    expect(await auditRows('app.delete', app.body.id)).toEqual([expect.objectContaining({ outcome: 'success' })]);
    await request(api.server).delete('/v1/apps/busy').set(as(admin)).expect(404);
  });

  it('a delete racing with release and environment creates ends cleanly: no 500, nothing left behind', async () => {
    const app = await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'racy' }).expect(201);
    await db.cluster.create({ data: { name: 'apps-race-cluster', server: 'https://127.0.0.1:1', authKind: 'token', credentials: Buffer.from('x') } });
    const creates = Array.from({ length: 6 }, (_, i) =>
      i % 2 === 0
        ? request(api.server).post('/v1/apps/racy/releases').set(as(admin)).send({ version: `r${i}`, image: 'x:1' })
        : request(api.server)
            .post('/v1/apps/racy/environments')
            .set(as(admin))
            .send({ name: `e${i}`, cluster: 'apps-race-cluster', namespace: 'racy', replicas: 1 }),
    );
    const all = await Promise.all([...creates, request(api.server).delete('/v1/apps/racy').set(as(admin))]);
    const deleted = all[all.length - 1];
    const results = all.slice(0, -1);
    expect(deleted.status).toBe(204);
    for (const r of results) expect([201, 404]).toContain(r.status);
    expect(await db.release.count({ where: { applicationId: app.body.id } })).toBe(0);
    expect(await db.environment.count({ where: { applicationId: app.body.id } })).toBe(0);
  });

  it('GraphQL createApp then apps round-trips, with the same error codes', async () => {
    const created = await gql(admin, 'mutation($input: CreateAppInput!) { createApp(input: $input) { id name labels } }', {
      input: { name: 'gql-app', labels: { team: 'graph' } },
    }).expect(200);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createApp).toMatchObject({ name: 'gql-app', labels: { team: 'graph' } });
    expect(await auditRows('app.create', created.body.data.createApp.id)).toEqual([
      expect.objectContaining({ interface: 'graphql', outcome: 'success' }),
    ]);

    const listed = await gql(viewer, 'query { apps(label: ["team=graph"]) { items { name labels } nextCursor } }').expect(200);
    expect(listed.body.data.apps).toEqual({ items: [{ name: 'gql-app', labels: { team: 'graph' } }], nextCursor: null });

    const dup = await gql(admin, 'mutation { createApp(input: {name: "gql-app"}) { id } }');
    expect(dup.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409 });
    const bad = await gql(admin, 'mutation { createApp(input: {name: "Bad_Name"}) { id } }');
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', status: 422 });
    expect(bad.body.errors[0].extensions.errors).toEqual([expect.objectContaining({ path: 'name', rule: 'dns1123-label' })]);
    const forbidden = await gql(viewer, 'mutation { createApp(input: {name: "by-viewer"}) { id } }');
    expect(forbidden.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(await db.application.count({ where: { name: { in: ['Bad_Name', 'by-viewer'] } } })).toBe(0);

    const one = await gql(viewer, 'query { app(name: "gql-app") { name environments { items { name } } releases { items { version } } } }');
    expect(one.body.data.app).toEqual({ name: 'gql-app', environments: { items: [] }, releases: { items: [] } });
    const deleted = await gql(admin, 'mutation { deleteApp(name: "gql-app") }');
    expect(deleted.body.data).toEqual({ deleteApp: true });
    const gone = await gql(viewer, 'query { app(name: "gql-app") { name } }');
    expect(gone.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
