// Security suite, part 3: each hole found on main (issue 15 §4), kept closed, and what already held kept holding.
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestPrisma } from '@cutover/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailedAuthentications } from '../../src/common/auth/failed-auth.service';
import { GRAPHQL_LIMITS } from '../../src/common/graphql/graphql-limits.policy';
import { type TestApi, startTestApi } from '../test-api';
import { postGraphql } from './security.fixtures';

const problemJson = /^application\/problem\+json/;

function errorLines(api: TestApi, from: number): string[] {
  return api.logs.slice(from).filter((line) => line.includes('"level":50'));
}

describe('input hardening (security suite)', () => {
  let api: TestApi;
  let admin: string;
  let viewer: string;
  const db = createTestPrisma({ poolSize: 2 });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    api = await startTestApi({ env: { AUTH_FAILURE_LIMIT: '1000000', NODE_ENV: 'production' } });
    admin = await api.token('admin');
    viewer = await api.token('viewer');
    await db.cluster.create({ data: { name: 'hard-cluster', server: 'https://127.0.0.1:6443', authKind: 'token', credentials: Buffer.from('unused') } });
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'hard' }).expect(201);
    await request(api.server)
      .post('/v1/apps/hard/environments')
      .set(as(admin))
      .send({ name: 'prod', cluster: 'hard-cluster', namespace: 'hard', replicas: 1, service: { port: 80, targetPort: 8080 } })
      .expect(201);
  });
  afterAll(async () => {
    await api.close();
    await db.$disconnect();
  });

  it('refuses NUL bytes, lone surrogates and absurd nesting with 4xx problems, logging no stack trace', async () => {
    const from = api.logs.length;
    const cases = [
      request(api.server).get('/v1/apps/%00').set(as(admin)),
      request(api.server).post('/v1/apps').set(as(admin)).set('content-type', 'application/json').send('{"name":"x","description":"\\u0000"}'),
      request(api.server).get('/v1/audit?actor=%00').set(as(admin)),
      request(api.server).post('/v1/apps/hard/releases').set(as(admin)).set('content-type', 'application/json').send('{"version":"1","image":"\\ud800"}'),
      request(api.server).post('/v1/apps').set(as(admin)).set('content-type', 'application/json').send(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
      request(api.server).post('/v1/apps').set(as(admin)).set('content-type', 'application/json').send('['.repeat(10_000)),
      request(api.server).post('/v1/apps').set(as(admin)).set('content-type', 'application/json').send(`{"name":"x","labels":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      expect(res.status, res.text).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(problemJson);
      expect(typeof res.body.code).toBe('string');
    }
    const nul = await request(api.server).post('/v1/apps').set(as(admin)).set('content-type', 'application/json').send('{"name":"x","description":"\\u0000"}');
    expect(nul.body.errors).toEqual([expect.objectContaining({ path: 'description', rule: 'noNulCharacter' })]);
    expect(await db.application.count({ where: { name: 'x' } })).toBe(0);
    expect(errorLines(api, from)).toEqual([]);
  });

  it('answers GraphQL NUL strings, parser bombs and subscriptions with coded 4xx errors, never INTERNAL', async () => {
    const from = api.logs.length;
    const cases: Array<[unknown, string, number]> = [
      [{ query: '{ app(name: "a\\u0000b") { name } }' }, 'VALIDATION_FAILED', 200],
      [{ query: 'query ($n: String!) { app(name: $n) { name } }', variables: { n: 'a\u0000b' } }, 'VALIDATION_FAILED', 200],
      [{ query: `{${'apps {'.repeat(2_500)}${'}'.repeat(2_501)}` }, 'BAD_REQUEST', 400],
      [{ query: 'subscription { deploymentEvents { seq } }' }, 'BAD_REQUEST', 400],
      [{ query: 'subscription { x }' }, 'BAD_REQUEST', 400],
    ];
    for (const [body, code, status] of cases) {
      const res = await postGraphql(api, `Bearer ${admin}`, body);
      expect(res.codes, JSON.stringify(res.body).slice(0, 300)).toContain(code);
      expect(res.codes).not.toContain('INTERNAL');
      expect(res.status).toBe(status);
    }
    expect(errorLines(api, from)).toEqual([]);
  });

  it('limits GraphQL depth, aliases, tokens and repeated expensive fields; masks suggestions in production', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: apps { items { name } }`).join(' ');
    const deep = `{ apps { items { environments { items { ${'__typename '.repeat(1)} } } } } }`;
    expect((await postGraphql(api, `Bearer ${viewer}`, { query: deep })).codes).toEqual([]);
    // No type refers back to itself yet, so only a document of unknown fields nests this deep; the depth rule still
    // counts it (and will matter the day the schema grows a cycle).
    const nested = `${'apps { items { '.repeat(GRAPHQL_LIMITS.maxDepth)}name${' } }'.repeat(GRAPHQL_LIMITS.maxDepth)}`;
    const refusals = [
      { query: `{ ${aliases} }` },
      { query: `{ ${nested} }` },
      { query: '{ a: auditVerification { ok } b: auditVerification { ok } }' },
      { query: `{ ${'__typename '.repeat(GRAPHQL_LIMITS.maxTokens + 10)} }` },
    ];
    const messages: string[] = [];
    for (const body of refusals) {
      const res = await postGraphql(api, `Bearer ${viewer}`, body);
      expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(400);
      expect(res.codes).toContain('BAD_REQUEST');
      messages.push((res.body.errors ?? []).map((e) => e.message).join(' | '));
    }
    expect(messages[0]).toMatch(/aliases/i);
    expect(messages[1]).toMatch(/depth/i);
    expect(messages[2]).toMatch(/only once/);
    expect(messages[3]).toMatch(/tokens/);
    const typo = await postGraphql(api, `Bearer ${viewer}`, { query: '{ tokenz { id } }' });
    expect(typo.codes).toEqual(['BAD_REQUEST']);
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean/);
  });

  it('answers bad percent-encoding with 400 and over-long parameters with 414, as problems; a 128-character version is fetchable', async () => {
    const bad = await request(api.server).get('/v1/apps/%E0%A4%A').set(as(admin));
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(problemJson);
    expect(bad.body.code).toBe('BAD_REQUEST');
    const long = await request(api.server).get(`/v1/apps/${'a'.repeat(400)}`).set(as(admin));
    expect(long.status).toBe(414);
    expect(long.headers['content-type']).toMatch(problemJson);
    expect(long.body.code).toBe('URI_TOO_LONG');
    const version = `1.${'0'.repeat(126)}`;
    expect(version).toHaveLength(128);
    await request(api.server).post('/v1/apps/hard/releases').set(as(admin)).send({ version, image: 'registry.local/hard:1' }).expect(201);
    await request(api.server).get(`/v1/apps/hard/releases/${version}`).set(as(admin)).expect(200);
  });

  it('refuses type confusion and unbounded documents, naming the field', async () => {
    const service = await request(api.server).patch('/v1/apps/hard/environments/prod').set(as(admin)).send({ service: [] });
    expect(service.status).toBe(422);
    expect(service.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'service' })]));
    expect((await db.environment.findFirstOrThrow({ where: { name: 'prod' } })).servicePort).toBe(80);
    for (const scopes of [[], { apps: [] }, { environments: [] }]) {
      const res = await request(api.server).post('/v1/tokens').set(as(admin)).send({ name: 'scoped', role: 'deployer', scopes });
      expect(res.status).toBe(422);
    }
    expect(await db.apiToken.count({ where: { name: 'scoped' } })).toBe(0);
    for (const image of ['x'.repeat(100_000), 'reg/app\u0007:1', '../../etc/passwd', 'reg/../app:1', 'Upper:1']) {
      const res = await request(api.server).post('/v1/apps/hard/releases').set(as(admin)).send({ version: '9.0.0', image });
      expect(res.status, image.slice(0, 20)).toBe(422);
      expect(res.body.errors[0].path).toBe('image');
    }
    const labels = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, 'v']));
    expect((await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'many-labels', labels })).status).toBe(422);
    const annotations = { big: 'a'.repeat(300 * 1024) };
    expect((await request(api.server).post('/v1/apps/hard/releases').set(as(admin)).send({ version: '9.0.1', podSpec: { containers: [{ name: 'c', image: 'r/c:1' }] }, podAnnotations: annotations })).status).toBe(422);
    expect(await db.release.count({ where: { version: { in: ['9.0.0', '9.0.1'] } } })).toBe(0);
  });

  it('refuses credentials in a cluster URL without storing, returning, auditing or logging them; logs no query string values', async () => {
    const from = api.logs.length;
    const cases = [
      ['https://user:s3cret-in-url@10.0.0.1:6443', 'noCredentialsInUrl'],
      ['https://10.0.0.1:6443/?access_token=s3cret-in-query', 'noQueryInUrl'],
    ] as const;
    for (const [server, rule] of cases) {
      const res = await request(api.server).post('/v1/clusters').set(as(admin)).send({ name: 'url-creds', server, token: 't' });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'server', rule })]);
      expect(res.text).not.toContain('s3cret');
    }
    await request(api.server).get('/v1/apps?cursor=s3cret-in-access-log').set(as(admin));
    expect(await db.cluster.count({ where: { name: 'url-creds' } })).toBe(0);
    const audit = await db.auditEntry.findMany({ select: { reason: true, action: true, resourceId: true, inputDigest: true } });
    expect(JSON.stringify(audit)).not.toContain('s3cret');
    expect(api.logs.slice(from).join('\n')).not.toContain('s3cret');
    expect(api.logs.slice(from).join('\n')).toContain('cursor=[redacted]');
  });

  it('keeps what held: 1 MiB → 413, and twenty concurrent creates with one Idempotency-Key make one deployment', async () => {
    const big = await request(api.server).post('/v1/apps').set(as(admin)).set('content-type', 'application/json').send(`{"name":"big","description":"${'a'.repeat(1024 * 1024)}"}`);
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(problemJson);
    await request(api.server).post('/v1/apps/hard/releases').set(as(admin)).send({ version: '1.0.0', image: 'registry.local/hard:1.0.0' }).expect(201);
    const deployer = await api.token('deployer');
    const body = { app: 'hard', environment: 'prod', release: '1.0.0' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(api.server).post('/v1/deployments').set(as(deployer)).set('idempotency-key', 'security-race').send(body)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202]));
    expect(new Set(answers.map((a) => a.body.id as string)).size).toBe(1);
    expect(await db.deployment.count({ where: { environment: { name: 'prod', application: { name: 'hard' } } } })).toBe(1);
  });

  it('documents If-Match as one optional header on the six command routes, and the YAML document', () => {
    const root = path.resolve(__dirname, '../../../..');
    const doc = JSON.parse(readFileSync(path.join(root, 'apps/api/openapi.json'), 'utf8')) as { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; required?: boolean }> }>> };
    for (const command of ['promote', 'pause', 'resume', 'abort', 'rollback', 'retry']) {
      const headers = (doc.paths[`/v1/deployments/{id}/${command}`]?.['post']?.parameters ?? []).filter((p) => p.in === 'header');
      expect(headers.map((h) => [h.name, h.required ?? false])).toEqual([['If-Match', false]]);
    }
    expect(readFileSync(path.join(root, 'docs/api.md'), 'utf8')).toContain('/docs-yaml');
  });
});

describe('failed authentication limits (security suite)', () => {
  let api: TestApi;
  const db = createTestPrisma({ poolSize: 2 });

  beforeAll(async () => {
    api = await startTestApi({ env: { AUTH_FAILURE_LIMIT: '10', AUTH_FAILURE_WINDOW_MS: '60000', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' } });
  });
  afterAll(async () => {
    await api.close();
    await db.$disconnect();
  });

  it('answers 300 wrong tokens with 10 × 401 then 429 + Retry-After (REST and GraphQL), audited as two rows', async () => {
    const before = await db.auditEntry.count();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      const res = await request(api.server).get('/v1/apps').set('authorization', `Bearer wrong-${i}`);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers['content-type']).toMatch(problemJson);
        expect(res.body.code).toBe('TOO_MANY_REQUESTS');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(new Set(statuses.slice(10))).toEqual(new Set([429]));
    const gql = await postGraphql(api, 'Bearer wrong', { query: '{ apps { items { name } } }' });
    expect(gql.status).toBe(429);
    expect(gql.codes).toEqual(['TOO_MANY_REQUESTS']);
    // Even the bootstrap admin (not yet verified on this replica) waits: a blocked address has no token looked up.
    expect((await request(api.server).get('/v1/apps').set('authorization', `Bearer ${api.bootstrapToken}`)).status).toBe(429);
    await api.app.get(FailedAuthentications).flushEnded(true);
    const rows = await db.auditEntry.findMany({ where: { seq: { gt: before } }, orderBy: { seq: 'asc' } });
    expect(rows).toHaveLength(2);
    expect(rows[1]?.action).toBe('auth.refused');
    expect(rows[1]?.reason).toMatch(/^301 more refused authentication attempts/);
  });

  it('cuts half-sent and trickled requests with 408 when the request timeout passes', async () => {
    const address = new URL(api.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(address.port), address.hostname, () => {
        socket.write('POST /v1/apps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":');
        const trickle = setInterval(() => socket.write(' '), 300);
        socket.on('close', () => clearInterval(trickle));
      });
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    const seconds = (Date.now() - started) / 1000;
    expect(answer).toMatch(/^HTTP\/1.1 408/);
    expect(answer).toContain('application/problem+json');
    expect(seconds).toBeLessThan(10);
  });
});
