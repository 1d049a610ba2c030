import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '@cutover/domain';
import { type PrismaClient } from '@cutover/persistence';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';

/** Two init containers, a downward-API env var and an emptyDir shared by init and app containers. */
const fullRelease = {
  version: '1.4.0',
  podSpec: {
    initContainers: [
      { name: 'migrate', image: 'registry.local/checkout:1.4.0', command: ['./migrate'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
      { name: 'warm', image: 'busybox:1.36', args: ['sh', '-c', 'echo ok > /shared/ready'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
    ],
    containers: [
      {
        name: 'web',
        image: 'registry.local/checkout:1.4.0',
        ports: [{ name: 'http', containerPort: 8080 }],
        env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
        volumeMounts: [{ name: 'shared', mountPath: '/shared', readOnly: true }],
        readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
      },
    ],
    volumes: [{ name: 'shared', emptyDir: {} }],
  },
  podLabels: { team: 'payments' },
  hooks: { preDeploy: [{ name: 'db-migrate', podSpec: { containers: [{ name: 'migrate', image: 'registry.local/checkout:1.4.0' }] } }] },
  notes: 'New payment flow',
  commitSha: '0123456789abcdef0123456789abcdef01234567',
};

describe('releases (REST + GraphQL)', () => {
  let api: TestApi;
  let admin: string;
  let deployer: string;
  let viewer: string;
  let db: PrismaClient;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (token: string, app: string, body: unknown) => request(api.server).post(`/v1/apps/${app}/releases`).set(as(token)).send(body as object);

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.token('admin');
    deployer = await api.token('deployer', { apps: ['shop'] });
    viewer = await api.token('viewer');
    db = createTestPrisma();
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'shop' }).expect(201);
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'not-shop' }).expect(201);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.close();
  });

  it('records a valid full release (201) and reads it back intact', async () => {
    const created = await post(deployer, 'shop', fullRelease).expect(201);
    expect(created.body).toMatchObject({ app: 'shop', version: '1.4.0', seq: 1, notes: 'New payment flow', commitSha: fullRelease.commitSha });
    expect(created.body.createdBy).toMatch(/^test-deployer-/);
    const { spec } = created.body;
    expect(spec.podSpec.initContainers.map((c: { name: string }) => c.name)).toEqual(['migrate', 'warm']);
    expect(spec.podSpec.initContainers[0]).toMatchObject(fullRelease.podSpec.initContainers[0]);
    expect(spec.podSpec.initContainers[1]).toMatchObject(fullRelease.podSpec.initContainers[1]);
    expect(spec.podSpec.containers[0]).toMatchObject(fullRelease.podSpec.containers[0]);
    expect(spec.podSpec.containers[0].env).toEqual([{ name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } }]);
    expect(spec.podSpec.volumes).toEqual([{ name: 'shared', emptyDir: {} }]);
    expect(spec.podLabels).toEqual({ team: 'payments' });
    expect(spec.hooks.preDeploy[0]).toMatchObject({ name: 'db-migrate', backoffLimit: 6, podSpec: { restartPolicy: 'Never' } });
    expect(created.body.digest).toBe(`sha256:${createHash('sha256').update(canonicalJson(spec)).digest('hex')}`);

    const read = await request(api.server).get('/v1/apps/shop/releases/1.4.0').set(as(viewer)).expect(200);
    expect(read.body).toEqual(created.body);

    const audit = await db.auditEntry.findMany({ where: { action: 'release.create', resourceId: created.body.id } });
    expect(audit).toEqual([expect.objectContaining({ outcome: 'success', resourceType: 'release', actorName: created.body.createdBy })]);
  });

  it('refuses the same version twice (409) and writes nothing more', async () => {
    const requestId = `rel-dup-${Date.now()}`;
    const res = await post(deployer, 'shop', { version: '1.4.0', image: 'nginx:1' }).set('x-request-id', requestId).expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', status: 409 });
    const shop = await db.application.findUniqueOrThrow({ where: { name: 'shop' } });
    expect(await db.release.count({ where: { applicationId: shop.id, version: '1.4.0' } })).toBe(1);
    expect(await db.auditEntry.count({ where: { requestId } })).toBe(0);
  });

  it('refuses an init container named like an app container (422 naming that path), writing nothing', async () => {
    const body = structuredClone(fullRelease);
    body.version = '1.5.0';
    body.podSpec.initContainers[1].name = 'web';
    const requestId = `rel-clash-${Date.now()}`;
    const res = await post(deployer, 'shop', body).set('x-request-id', requestId).expect(422);
    expect(res.body.requestId).toBe(requestId);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'podSpec.initContainers[1].name', rule: 'unique' })]);
    expect(await db.release.count({ where: { version: '1.5.0' } })).toBe(0);
    expect(await db.auditEntry.count({ where: { requestId } })).toBe(0);
  });

  it('lists every broken rule with its path', async () => {
    const res = await post(deployer, 'shop', {
      version: 'bad version',
      podSpec: {
        containers: [{ name: 'Web', image: 'a b', ports: [{ containerPort: 70000 }], volumeMounts: [{ name: 'nope', mountPath: 'rel' }] }],
        hostNetwork: true,
      },
    }).expect(422);
    expect(res.body.errors.map((e: { path: string; rule: string }) => `${e.path} ${e.rule}`).sort()).toEqual(
      [
        'version pattern',
        'podSpec.hostNetwork unknown-field',
        'podSpec.containers[0].name dns1123-label',
        'podSpec.containers[0].image no-whitespace',
        'podSpec.containers[0].ports[0].containerPort range',
        'podSpec.containers[0].volumeMounts[0].name volume-exists',
        'podSpec.containers[0].volumeMounts[0].mountPath absolute-path',
      ].sort(),
    );
  });

  it('accepts the short form as one container named after the app', async () => {
    const res = await post(deployer, 'shop', { version: '2.0.0', image: 'registry.local/shop:2' }).expect(201);
    expect(res.body.seq).toBe(2);
    expect(res.body.spec.podSpec.containers).toEqual([{ name: 'shop', image: 'registry.local/shop:2', imagePullPolicy: 'IfNotPresent' }]);
  });

  it('is immutable: PUT, PATCH and DELETE answer 405 with Allow', async () => {
    for (const method of ['put', 'patch', 'delete'] as const) {
      const res = await request(api.server)[method]('/v1/apps/shop/releases/1.4.0').set(as(admin)).send({ notes: 'changed' }).expect(405);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['allow']).toMatch(/GET/);
      expect(res.headers['allow']).not.toMatch(/PUT|PATCH|DELETE/);
    }
    const read = await request(api.server).get('/v1/apps/shop/releases/1.4.0').set(as(viewer)).expect(200);
    expect(read.body.notes).toBe('New payment flow');
  });

  it('keeps deployers to their apps and viewers to reading', async () => {
    await post(deployer, 'not-shop', { version: '1', image: 'x:1' }).expect(403);
    await post(viewer, 'shop', { version: '9', image: 'x:1' }).expect(403);
    await post(admin, 'not-shop', { version: '1', image: 'x:1' }).expect(201);
    await post(admin, 'no-such-app', { version: '1', image: 'x:1' }).expect(404);
  });

  it('numbers concurrent releases without gaps or duplicates', async () => {
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'releases-race' }).expect(201);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post(admin, 'releases-race', { version: `r${i}`, image: 'x:1' })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const seqs = results.map((r) => r.body.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('lists newest first, paginated', async () => {
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'paged' }).expect(201);
    for (let i = 1; i <= 5; i++) await post(admin, 'paged', { version: `v${i}`, image: 'x:1' }).expect(201);
    const versions: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(api.server)
        .get('/v1/apps/paged/releases')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(as(viewer))
        .expect(200);
      versions.push(...page.body.items.map((r: { version: string }) => r.version));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(versions).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
    await request(api.server).get('/v1/apps/paged/releases/v9').set(as(viewer)).expect(404);
  });

  it('reads back versions with build metadata ("+") by URL', async () => {
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'plus' }).expect(201);
    await post(admin, 'plus', { version: '1.0.0+build.7', image: 'x:1' }).expect(201);
    const raw = await request(api.server).get('/v1/apps/plus/releases/1.0.0+build.7').set(as(viewer)).expect(200);
    expect(raw.body.version).toBe('1.0.0+build.7');
    const encoded = await request(api.server).get('/v1/apps/plus/releases/1.0.0%2Bbuild.7').set(as(viewer)).expect(200);
    expect(encoded.body.id).toBe(raw.body.id);
  });

  it('GraphQL createRelease, releases and release share the rules and codes', async () => {
    const gql = (token: string, query: string, variables: Record<string, unknown> = {}) =>
      request(api.server).post('/graphql').set(as(token)).send({ query, variables });
    const mutation = 'mutation($app: String!, $input: CreateReleaseInput!) { createRelease(app: $app, input: $input) { id version seq digest spec } }';

    const { podLabels: _labels, ...body } = fullRelease;
    const created = await gql(deployer, mutation, { app: 'shop', input: { ...body, version: '3.0.0' } }).expect(200);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createRelease.spec.podSpec.initContainers).toHaveLength(2);
    const audit = await db.auditEntry.findMany({ where: { action: 'release.create', resourceId: created.body.data.createRelease.id } });
    expect(audit).toEqual([expect.objectContaining({ interface: 'graphql', outcome: 'success' })]);

    const bad = structuredClone(body);
    bad.podSpec.initContainers[0].name = 'web';
    const refused = await gql(deployer, mutation, { app: 'shop', input: { ...bad, version: '3.0.1' } });
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', status: 422 });
    expect(refused.body.errors[0].extensions.errors).toEqual([expect.objectContaining({ path: 'podSpec.initContainers[0].name', rule: 'unique' })]);
    const dup = await gql(deployer, mutation, { app: 'shop', input: { version: '3.0.0', image: 'x:1' } });
    expect(dup.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409 });

    const listed = await gql(viewer, 'query { releases(app: "shop", limit: 2) { items { version } nextCursor } }');
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data.releases.items.map((r: { version: string }) => r.version)).toEqual(['3.0.0', '2.0.0']);
    expect(listed.body.data.releases.nextCursor).toEqual(expect.any(String));
    const one = await gql(viewer, 'query { release(app: "shop", version: "1.4.0") { version notes commitSha createdBy } }');
    expect(one.body.data.release).toMatchObject({ version: '1.4.0', notes: 'New payment flow', commitSha: fullRelease.commitSha });
    const nested = await gql(viewer, 'query { app(name: "shop") { releases(limit: 1) { items { version } } } }');
    expect(nested.body.data.app.releases.items).toEqual([{ version: '3.0.0' }]);
  });
});
