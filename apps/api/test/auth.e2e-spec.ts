import request from 'supertest';
import { hashToken } from '@cutover/persistence';
import { createTestPrisma } from '@cutover/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.factory';
import { FailedAuthentications } from '../src/common/auth/failed-auth.service';
import { startTestApi, type TestApi } from './test-api';

interface AuditRow {
  action: string;
  outcome: string;
  statusCode: number | null;
  actorName: string;
  requestId: string | null;
  interface: string;
}

describe('auth', () => {
  let api: TestApi;
  let admin: string;
  const prisma = createTestPrisma({ poolSize: 2 });

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.token('admin');
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  async function auditByRequestId(requestId: string): Promise<AuditRow[]> {
    const res = await request(api.server).get('/v1/audit?limit=500').set('authorization', `Bearer ${admin}`).expect(200);
    return (res.body.items as AuditRow[]).filter((row) => row.requestId === requestId);
  }

  it('lets health probes and API docs through without a token', async () => {
    await request(api.server).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(api.server).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up' } });
    const docs = await request(api.server).get('/docs-json').expect(200);
    expect(docs.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('refuses a missing, malformed or unknown token with 401 problem+json, auditing the first at once and the rest as one counted row', async () => {
    const headers = [undefined, 'Token abc', 'Bearer cut_unknownunknownunknownunknownunknownunknownu'];
    const answers = [];
    for (const [i, header] of headers.entries()) {
      const req = request(api.server).get('/v1/tokens').set('x-request-id', `unauth-${i}`);
      if (header) void req.set('authorization', header);
      answers.push(await req);
    }
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
    expect(await auditByRequestId('unauth-0')).toEqual([
      expect.objectContaining({ action: 'GET /v1/tokens', outcome: 'denied', statusCode: 401, actorName: 'anonymous', interface: 'rest' }),
    ]);
    // The window's other refusals: one row with their count, written when the window ends (here: the api stops).
    const failures = api.app.get(FailedAuthentications);
    await failures.flushEnded(true);
    const counted = await prisma.auditEntry.findMany({ where: { action: 'auth.refused', requestId: 'unauth-2' } });
    expect(counted).toHaveLength(1);
    expect(counted[0]?.reason).toMatch(/^2 more refused authentication attempts from /);
  });

  it('refuses a role that may not with 403 and audits it under the action name', async () => {
    const viewer = await api.token('viewer');
    const res = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${viewer}`).set('x-request-id', 'viewer-creates-token').send({ name: 'x', role: 'admin' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    const rows = await auditByRequestId('viewer-creates-token');
    expect(rows).toEqual([expect.objectContaining({ action: 'token.create', outcome: 'denied', statusCode: 403, actorName: 'test-viewer-2' })]);
  });

  it('lets any role read, and records lastUsedAt without a write per request', async () => {
    const viewer = await api.token('viewer');
    await request(api.server).get('/v1/audit?limit=1').set('authorization', `Bearer ${viewer}`).expect(200);
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: hashToken(viewer) } });
    expect(row.lastUsedAt).not.toBeNull();
    await request(api.server).get('/v1/audit?limit=1').set('authorization', `Bearer ${viewer}`).expect(200);
    const again = await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: hashToken(viewer) } });
    expect(again.lastUsedAt).toEqual(row.lastUsedAt);
  });

  it('refuses a revoked token at once', async () => {
    const viewer = await api.token('viewer');
    await request(api.server).get('/v1/audit?limit=1').set('authorization', `Bearer ${viewer}`).expect(200);
    const { id } = await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: hashToken(viewer) } });
    await request(api.server).delete(`/v1/tokens/${id}`).set('authorization', `Bearer ${admin}`).expect(200);
    const res = await request(api.server).get('/v1/audit?limit=1').set('authorization', `Bearer ${viewer}`).expect(401);
    expect(res.body.detail).toMatch(/revoked/);
  });

  it('creates the bootstrap admin token once, however many replicas start with it', async () => {
    const secret = `cut_shared_bootstrap_${Date.now()}_abcdefgh`;
    const env = { ...process.env, CUTOVER_BOOTSTRAP_TOKEN: secret, LOG_LEVEL: 'silent' };
    const apps = await Promise.all([createApp({ env }), createApp({ env }), createApp({ env })]);
    try {
      const rows = await prisma.apiToken.findMany({ where: { secretHash: hashToken(secret) } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: 'bootstrap', role: 'admin', revokedAt: null });
      expect(JSON.stringify(rows[0])).not.toContain(secret);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
    const restarted = await createApp({ env });
    await restarted.close();
    expect(await prisma.apiToken.count({ where: { secretHash: hashToken(secret) } })).toBe(1);
  });
});

describe.each(['fastify', 'express'] as const)('scope refusals from services (%s)', (adapter) => {
  let api: TestApi;
  let admin: string;
  const app = `scope-e2e-${adapter}-${Date.now()}`;

  beforeAll(async () => {
    api = await startTestApi({ adapter });
    admin = await api.token('admin');
    await request(api.server).post('/v1/apps').set('authorization', `Bearer ${admin}`).send({ name: app }).expect(201);
  });
  afterAll(() => api.close());

  it('audits a deployer acting outside its scopes, over REST and GraphQL', async () => {
    const deployer = await api.token('deployer', { apps: ['some-other-app'] });
    const rest = await request(api.server)
      .post(`/v1/apps/${app}/releases`)
      .set('authorization', `Bearer ${deployer}`)
      .set('x-request-id', `scope-rest-${adapter}`)
      .send({ version: '1.0.0', image: 'r/x:1' });
    expect(rest.status).toBe(403);
    expect(rest.headers['content-type']).toMatch(/^application\/problem\+json/);
    const gql = await request(api.server)
      .post('/graphql')
      .set('authorization', `Bearer ${deployer}`)
      .set('x-request-id', `scope-gql-${adapter}`)
      .send({ query: `mutation { createRelease(app: "${app}", input: { version: "1.0.1", image: "r/x:1" }) { version } }` });
    const audit = await request(api.server).get('/v1/audit?limit=200').set('authorization', `Bearer ${admin}`).expect(200);
    const rows = (audit.body.items as { requestId: string; outcome: string; statusCode: number; action: string; interface: string }[]).filter((r) =>
      [`scope-rest-${adapter}`, `scope-gql-${adapter}`].includes(r.requestId),
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ requestId: `scope-rest-${adapter}`, outcome: 'denied', statusCode: 403, action: 'POST /v1/apps/:app/releases', interface: 'rest' }),
      ]),
    );
    expect(gql.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(rows).toEqual(
      expect.arrayContaining([expect.objectContaining({ requestId: `scope-gql-${adapter}`, outcome: 'denied', statusCode: 403, action: 'graphql createRelease', interface: 'graphql' })]),
    );
    expect(rows).toHaveLength(2);
  });
});
