// The dashboard's api: session sign-in (cookie, CSRF, Origin, sign-out, audit), the one-query overview, and the
// static files at /ui (cache headers, CSP, precompressed bodies, SPA fallback).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createTestPrisma } from '@cutover/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

const prisma = createTestPrisma();

function cookieOf(res: request.Response): string {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0] ?? '';
  return header.split(';')[0]!;
}

describe('dashboard api: session, overview, /ui', () => {
  let api: TestApi;
  let dir: string;
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-ui-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Cutover</title><script type="module" src="/ui/assets/index-abc123.js"></script>');
    const js = `console.log(${JSON.stringify('x'.repeat(2000))});`;
    writeFileSync(path.join(dir, 'assets/index-abc123.js'), js);
    writeFileSync(path.join(dir, 'assets/index-abc123.js.gz'), gzipSync(js));
    api = await startTestApi({ env: { CUTOVER_DASHBOARD_DIR: dir } });
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exchanges a token for an httpOnly SameSite=Strict cookie; changes need the CSRF header and this origin; sign-out revokes', async () => {
    const deployer = await api.token('deployer');
    await request(api.server).post('/v1/session').send({ token: 'cut_wrong' }).expect(401);
    await request(api.server).post('/v1/session').send({}).expect(422);

    const signIn = await request(api.server).post('/v1/session').send({ token: deployer }).expect(201);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^cutover_session=cs_[\w-]+; Max-Age=28800; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(signIn.body).toMatchObject({ role: 'deployer', csrfToken: expect.stringMatching(/^[0-9a-f]{64}$/), expiresAt: expect.any(String) });
    expect(JSON.stringify(signIn.body)).not.toContain(deployer);
    const cookie = cookieOf(signIn);
    const csrf = signIn.body.csrfToken as string;

    const me = await request(api.server).get('/v1/session').set('cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ role: 'deployer', csrfToken: csrf });
    await request(api.server).get('/v1/overview').set('cookie', cookie).expect(200);

    // A change over the cookie: refused without the CSRF header, with a wrong one, or from another origin.
    const noCsrf = await request(api.server).post('/v1/stream-tickets').set('cookie', cookie).send({}).expect(403);
    expect(noCsrf.body.detail).toMatch(/X-CSRF-Token/);
    await request(api.server).post('/v1/stream-tickets').set('cookie', cookie).set('x-csrf-token', '0'.repeat(64)).send({}).expect(403);
    await request(api.server).post('/v1/stream-tickets').set('cookie', cookie).set('x-csrf-token', csrf).set('origin', 'https://evil.example').send({}).expect(403);
    const host = new URL(api.url).host;
    await request(api.server).post('/v1/stream-tickets').set('cookie', cookie).set('x-csrf-token', csrf).set('origin', `http://${host}`).send({}).expect(201);
    // Signing in from another origin is refused too (login CSRF).
    await request(api.server).post('/v1/session').set('origin', 'https://evil.example').send({ token: deployer }).expect(403);

    await request(api.server).delete('/v1/session').set('cookie', cookie).expect(403);
    const out = await request(api.server).delete('/v1/session').set('cookie', cookie).set('x-csrf-token', csrf).expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^cutover_session=; Max-Age=0;/);
    const after = await request(api.server).get('/v1/session').set('cookie', cookie).expect(401);
    expect(after.body.detail).toMatch(/signed out/);

    const audit = await request(api.server).get('/v1/audit?limit=50').set('authorization', `Bearer ${api.bootstrapToken}`).expect(200);
    const actions = (audit.body.items as Array<{ action: string; outcome: string }>).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toContain('session.create:success');
    expect(actions).toContain('session.revoke:success');
  });

  it('ends the session when its token is revoked', async () => {
    const created = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${api.bootstrapToken}`).send({ name: `t-${run}`, role: 'viewer' }).expect(201);
    const signIn = await request(api.server).post('/v1/session').send({ token: created.body.secret }).expect(201);
    await request(api.server).delete(`/v1/tokens/${created.body.id}`).set('authorization', `Bearer ${api.bootstrapToken}`).expect(200);
    // The session cache holds a lookup for at most 5 s.
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await request(api.server).get('/v1/session').set('cookie', cookieOf(signIn))).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(401);
  });

  it('deletes sessions that ended more than a week ago at a later sign-in', async () => {
    const viewer = await api.token('viewer');
    const token = await prisma.apiToken.findFirstOrThrow({ where: { name: { startsWith: 'test-viewer' } }, orderBy: { createdAt: 'desc' } });
    const old = await prisma.dashboardSession.create({ data: { tokenId: token.id, secretHash: `old-${run}`, expiresAt: new Date(Date.now() - 8 * 24 * 3600 * 1000) } });
    const recent = await prisma.dashboardSession.create({ data: { tokenId: token.id, secretHash: `recent-${run}`, expiresAt: new Date(Date.now() - 3600 * 1000) } });
    await request(api.server).post('/v1/session').send({ token: viewer }).expect(201);
    const deadline = Date.now() + 15_000;
    while ((await prisma.dashboardSession.count({ where: { id: old.id } })) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await prisma.dashboardSession.count({ where: { id: old.id } })).toBe(0);
    expect(await prisma.dashboardSession.count({ where: { id: recent.id } })).toBe(1);
  });

  it('answers the overview: every app × environment with serving release, latest phase and what needs a person', async () => {
    const cluster = await prisma.cluster.create({ data: { name: `ov-${run}`, server: 'https://127.0.0.1:6443', authKind: 'token', credentials: Buffer.from('x') } });
    const app = await prisma.application.create({ data: { name: `ov-${run}` } });
    const env = (name: string) => prisma.environment.create({ data: { applicationId: app.id, clusterId: cluster.id, name, namespace: `ns-${name}`, replicas: 2, strategy: { type: 'Canary' } } });
    const [prod, staging] = [await env('prod'), await env('staging')];
    await env('empty');
    const v1 = await prisma.release.create({ data: { applicationId: app.id, version: '1.0.0', seq: 1, spec: {}, digest: 'd', createdBy: 't' } });
    const v2 = await prisma.release.create({ data: { applicationId: app.id, version: '2.0.0', seq: 2, spec: {}, digest: 'd', createdBy: 't' } });
    const deployment = (environmentId: string, releaseId: string, phase: string, pauseReason: string | null, at: string) =>
      prisma.deployment.create({ data: { environmentId, releaseId, strategy: {}, phase, pauseReason, createdBy: 't', createdAt: new Date(at) } });
    await deployment(prod.id, v1.id, 'Succeeded', null, '2026-12-01T00:00:00Z');
    const paused = await deployment(prod.id, v2.id, 'Paused', 'PauseStep', '2026-12-02T00:00:00Z');
    await deployment(staging.id, v2.id, 'Failed', null, '2026-12-02T00:00:00Z');

    const res = await request(api.server).get(`/v1/overview?app=${app.name}`).set('authorization', `Bearer ${api.bootstrapToken}`).expect(200);
    expect(res.body.truncated).toBe(false);
    expect(res.body.items.map((i: Record<string, unknown>) => [i.environment, i.serving, i.release, i.phase, i.attention])).toEqual([
      ['empty', null, null, null, null],
      ['prod', '1.0.0', '2.0.0', 'Paused', 'awaiting-promotion'],
      ['staging', null, '2.0.0', 'Failed', 'failed'],
    ]);
    expect(res.body.items[1]).toMatchObject({ cluster: cluster.name, namespace: 'ns-prod', strategy: 'Canary', deploymentId: paused.id });
    const searched = await request(api.server).get(`/v1/overview?q=NS-STAG`).set('authorization', `Bearer ${api.bootstrapToken}`).expect(200);
    expect(searched.body.items.map((i: { app: string; environment: string }) => `${i.app}/${i.environment}`)).toContain(`${app.name}/staging`);
    await request(api.server).get('/v1/overview?app=Not_A_Name').set('authorization', `Bearer ${api.bootstrapToken}`).expect(422);
  });

  it('serves /ui: index without caching, hashed assets immutable and precompressed, SPA fallback, a CSP, 404 for missing assets', async () => {
    const index = await request(api.server).get('/ui').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const route = await request(api.server).get('/ui/deployments/123').expect(200);
    expect(route.text).toBe(index.text);
    await request(api.server).get('/ui').set('if-none-match', String(index.headers.etag)).expect(304);

    const asset = await request(api.server).get('/ui/assets/index-abc123.js').set('accept-encoding', 'gzip').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const plain = await request(api.server).get('/ui/assets/index-abc123.js').set('accept-encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();

    const missing = await request(api.server).get('/ui/assets/nope-123.js').expect(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
    await request(api.server).get('/ui/../package.json').expect((r) => expect([404, 400]).toContain(r.status));
  });
});
