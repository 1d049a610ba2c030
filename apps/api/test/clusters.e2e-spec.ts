import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestPrisma } from '@cutover/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

const SECRET_TOKEN = 'sa-token-4b1f9e2c-never-to-be-seen';
const KUBECONFIG_TOKEN = 'kc-token-77aa21-never-to-be-seen';

describe('clusters', () => {
  let api: TestApi;
  let admin: string;
  let versionServer: Server;
  let server: string;
  const responses: string[] = [];
  const prisma = createTestPrisma({ poolSize: 2 });

  const kubeconfig = (token: string, at = server) => `
apiVersion: v1
kind: Config
current-context: local
contexts: [{ name: local, context: { cluster: sim, user: cutover } }]
clusters: [{ name: sim, cluster: { server: "${at}", insecure-skip-tls-verify: true } }]
users: [{ name: cutover, user: { token: "${token}" } }]
`;

  beforeAll(async () => {
    // A real HTTP peer on 127.0.0.1 answering GET /version like a Kubernetes API server.
    versionServer = createServer((req, res) => {
      const ok = req.headers.authorization === `Bearer ${SECRET_TOKEN}` || req.headers.authorization === `Bearer ${KUBECONFIG_TOKEN}`;
      if (!ok) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.2', platform: 'linux/amd64' }));
    });
    await new Promise<void>((resolve) => versionServer.listen(0, '127.0.0.1', resolve));
    server = `http://127.0.0.1:${(versionServer.address() as AddressInfo).port}`;
    api = await startTestApi();
    admin = await api.token('admin');
  });
  afterAll(async () => {
    await api.close();
    versionServer.close();
    await prisma.$disconnect();
  });

  async function call(method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object, token = admin): Promise<request.Response> {
    let req = request(api.server)[method](path).set('authorization', `Bearer ${token}`);
    if (body) req = req.send(body);
    const res = await req;
    responses.push(res.text);
    return res;
  }

  it('registers a cluster from a server and token, never showing the token', async () => {
    const res = await call('post', '/v1/clusters', { name: 'ce2e-local', server, token: SECRET_TOKEN, insecureSkipTlsVerify: true, labels: { region: 'eu' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'ce2e-local', server, authKind: 'token', labels: { region: 'eu' }, lastCheck: null });
    const row = await prisma.cluster.findUniqueOrThrow({ where: { name: 'ce2e-local' } });
    expect(Buffer.from(row.credentials).toString('utf8')).not.toContain(SECRET_TOKEN);
  });

  it('registers a cluster from a kubeconfig', async () => {
    const res = await call('post', '/v1/clusters', { name: 'ce2e-kubeconfig', kubeconfig: kubeconfig(KUBECONFIG_TOKEN) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'ce2e-kubeconfig', server, authKind: 'kubeconfig' });
  });

  it('refuses a second cluster of the same name with 409', async () => {
    const res = await call('post', '/v1/clusters', { name: 'ce2e-local', server, token: SECRET_TOKEN, insecureSkipTlsVerify: true });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
  });

  it.each([
    ['unparseable YAML', { kubeconfig: 'a: [' }, 'yaml'],
    ['no current context', { kubeconfig: 'apiVersion: v1\nkind: Config\nclusters: []' }, 'currentContext'],
    // Tables are built before beforeAll runs: these use a fixed server URL.
    ['an exec plugin', { kubeconfig: kubeconfig('x', 'https://127.0.0.1:6443').replace('{ token: "x" }', '{ exec: { command: "/bin/sh" } }') }, 'pluginNotAllowed'],
    ['both forms', { kubeconfig: kubeconfig('x', 'https://127.0.0.1:6443'), server: 'https://127.0.0.1:6443', token: 'x' }, 'oneOf'],
    ['neither form', {}, 'oneOf'],
  ])('refuses %s with 422 naming kubeconfig', async (_case, body, rule) => {
    const res = await call('post', '/v1/clusters', { name: 'bad', ...body });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'kubeconfig', rule })]));
  });

  it('names server, token and labels when they break rules', async () => {
    const res = await call('post', '/v1/clusters', { name: 'Bad_Name', server: 'ftp://x', labels: { 'bad key!': 'v', ok: 7 } });
    expect(res.status).toBe(422);
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['name']));
    const service = await call('post', '/v1/clusters', { name: 'good', server: 'ftp://x', labels: { 'bad key!': 'v', ok: 7 } });
    expect((service.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['labels.ok', 'labels["bad key!"]', 'server', 'token']);
  });

  it('checks a cluster: version when reachable, a reason when not', async () => {
    const ok = await call('post', '/v1/clusters/ce2e-local/check');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, version: 'v1.31.2' });
    const fromKubeconfig = await call('post', '/v1/clusters/ce2e-kubeconfig/check');
    expect(fromKubeconfig.body).toMatchObject({ ok: true, version: 'v1.31.2' });

    await call('post', '/v1/clusters', { name: 'ce2e-wrong-token', server, token: 'wrong', insecureSkipTlsVerify: true });
    const unauthorized = await call('post', '/v1/clusters/ce2e-wrong-token/check');
    expect(unauthorized.body).toMatchObject({ ok: false, reason: expect.stringMatching(/^unauthorized \(401\)/) });

    await call('post', '/v1/clusters', { name: 'ce2e-nowhere', server: 'http://127.0.0.1:9', token: 'x', insecureSkipTlsVerify: true });
    const unreachable = await call('post', '/v1/clusters/ce2e-nowhere/check');
    expect(unreachable.body).toMatchObject({ ok: false, reason: expect.stringMatching(/^unreachable/) });

    const read = await call('get', '/v1/clusters/ce2e-local');
    expect(read.body.lastCheck).toMatchObject({ ok: true, info: 'v1.31.2' });
  });

  it('lists clusters by name with pagination', async () => {
    // Other test files register clusters in the same database: walk every page and check ours are in it, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await call('get', `/v1/clusters?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c: { name: string }) => c.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((n) => ['ce2e-kubeconfig', 'ce2e-local', 'ce2e-nowhere', 'ce2e-wrong-token'].includes(n))).toEqual(['ce2e-kubeconfig', 'ce2e-local', 'ce2e-nowhere', 'ce2e-wrong-token']);
  });

  it('is for admins only', async () => {
    const viewer = await api.token('viewer');
    expect((await call('get', '/v1/clusters', undefined, viewer)).status).toBe(403);
    expect((await call('post', '/v1/clusters/ce2e-local/check', undefined, viewer)).status).toBe(403);
  });

  it('refuses to delete a cluster an environment uses (409), deletes it once unused', async () => {
    const cluster = await prisma.cluster.findUniqueOrThrow({ where: { name: 'ce2e-nowhere' } });
    const app = await prisma.application.create({ data: { name: `clusters-e2e-${Date.now()}` } });
    const env = await prisma.environment.create({ data: { applicationId: app.id, name: 'prod', clusterId: cluster.id, namespace: 'prod', replicas: 1, strategy: { type: 'Recreate' } } });
    const refused = await call('delete', '/v1/clusters/ce2e-nowhere');
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual({ environments: 1 });
    await prisma.environment.delete({ where: { id: env.id } });
    await prisma.application.delete({ where: { id: app.id } });
    expect((await call('delete', '/v1/clusters/ce2e-nowhere')).status).toBe(204);
    expect((await call('get', '/v1/clusters/ce2e-nowhere')).status).toBe(404);
    expect((await call('delete', '/v1/clusters/ce2e-nowhere')).status).toBe(404);
  });

  it('replaces a cluster\'s credentials (PATCH), checks them at once and stores them encrypted', async () => {
    await call('post', '/v1/clusters', { name: 'ce2e-rotate', server, token: 'old-wrong-token', insecureSkipTlsVerify: true, labels: { tier: 'a' } });
    const before = await prisma.cluster.findUniqueOrThrow({ where: { name: 'ce2e-rotate' } });
    // The token alone: server and insecureSkipTlsVerify keep their stored values.
    const res = await call('patch', '/v1/clusters/ce2e-rotate', { token: SECRET_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'ce2e-rotate', server, authKind: 'token', labels: { tier: 'a' }, lastCheck: { ok: true, info: 'v1.31.2' } });
    expect(JSON.stringify(res.body)).not.toContain('token":');
    const after = await prisma.cluster.findUniqueOrThrow({ where: { name: 'ce2e-rotate' } });
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    expect(Buffer.from(after.credentials).toString('utf8')).not.toContain(SECRET_TOKEN);
    expect((await call('post', '/v1/clusters/ce2e-rotate/check')).body).toMatchObject({ ok: true });

    // A kubeconfig replaces everything; a failing check is stored, not refused (a cluster may be down while it rotates).
    const moved = await call('patch', '/v1/clusters/ce2e-rotate', { kubeconfig: kubeconfig('wrong', server) });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ authKind: 'kubeconfig', lastCheck: { ok: false, info: expect.stringMatching(/^unauthorized/) } });

    const labels = await call('patch', '/v1/clusters/ce2e-rotate', { labels: { tier: 'b' } });
    expect(labels.body).toMatchObject({ authKind: 'kubeconfig', labels: { tier: 'b' } });

    const audit = await prisma.auditEntry.findMany({ where: { action: 'cluster.update', resourceId: 'ce2e-rotate' }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => a.reason)).toEqual(['credentials replaced; check ok v1.31.2', expect.stringMatching(/^credentials replaced; check failed: unauthorized/), 'labels replaced']);
  });

  it('refuses a PATCH that changes nothing or breaks a rule (422, nothing written), 404 for an unknown cluster', async () => {
    const before = await prisma.cluster.findUniqueOrThrow({ where: { name: 'ce2e-rotate' } });
    expect((await call('patch', '/v1/clusters/ce2e-rotate', {})).status).toBe(422);
    const both = await call('patch', '/v1/clusters/ce2e-rotate', { kubeconfig: kubeconfig('x'), token: 'x' });
    expect(both.status).toBe(422);
    expect(both.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'kubeconfig', rule: 'oneOf' })]));
    // The stored kubeconfig has no token form to keep: a server alone is not enough.
    const partial = await call('patch', '/v1/clusters/ce2e-rotate', { server: 'https://user:pw@10.0.0.1' });
    expect(partial.status).toBe(422);
    expect((partial.body.errors as { path: string }[]).map((e) => e.path)).toEqual(expect.arrayContaining(['server', 'token']));
    expect((await call('patch', '/v1/clusters/ce2e-rotate', { labels: { 'bad key!': 'v' } })).status).toBe(422);
    expect((await call('patch', '/v1/clusters/ce2e-rotate', { name: 'renamed', labels: {} })).status).toBe(422);
    const after = await prisma.cluster.findUniqueOrThrow({ where: { name: 'ce2e-rotate' } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    const missing = await call('patch', '/v1/clusters/no-such-cluster', { labels: {} });
    expect(missing.status).toBe(404);
    const viewer = await api.token('viewer');
    expect((await call('patch', '/v1/clusters/ce2e-rotate', { labels: {} }, viewer)).status).toBe(403);
  });

  it('replaces credentials sealed with another secret key (a new CUTOVER_SECRET_KEY) by a complete form', async () => {
    await call('post', '/v1/clusters', { name: 'ce2e-rekeyed', server, token: 'old', insecureSkipTlsVerify: true });
    // What another key's ciphertext looks like to this api: bytes it cannot open.
    await prisma.cluster.update({ where: { name: 'ce2e-rekeyed' }, data: { credentials: new Uint8Array(Buffer.from('sealed with another key')) } });
    const partial = await call('patch', '/v1/clusters/ce2e-rekeyed', { token: SECRET_TOKEN });
    expect(partial.status).toBe(422);
    expect((partial.body.errors as { path: string }[]).map((e) => e.path)).toContain('server');
    const kubeconfigForm = await call('patch', '/v1/clusters/ce2e-rekeyed', { kubeconfig: kubeconfig(KUBECONFIG_TOKEN) });
    expect(kubeconfigForm.status).toBe(200);
    expect(kubeconfigForm.body.lastCheck).toMatchObject({ ok: true });
    expect((await call('post', '/v1/clusters/ce2e-rekeyed/check')).body).toMatchObject({ ok: true });
  });

  it('updates a cluster through GraphQL too', async () => {
    const res = await request(api.server)
      .post('/graphql')
      .set('authorization', `Bearer ${admin}`)
      .send({ query: `mutation { updateCluster(name: "ce2e-rotate", input: { server: "${server}", token: "${SECRET_TOKEN}", insecureSkipTlsVerify: true }) { name authKind server lastCheck { ok info } } }` });
    responses.push(res.text);
    expect(res.body.data.updateCluster).toEqual({ name: 'ce2e-rotate', authKind: 'token', server, lastCheck: { ok: true, info: 'v1.31.2' } });
  });

  it('never puts credentials into a response, an audit row or a log line', async () => {
    const audit = await prisma.auditEntry.findMany({ where: { resourceType: 'cluster' } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['cluster.register', 'cluster.check', 'cluster.update', 'cluster.delete']));
    const everything = [...responses, JSON.stringify(audit, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), ...api.logs].join('\n');
    for (const secret of [SECRET_TOKEN, KUBECONFIG_TOKEN]) expect(everything).not.toContain(secret);
    expect(api.logs.length).toBeGreaterThan(10);
  });
});
