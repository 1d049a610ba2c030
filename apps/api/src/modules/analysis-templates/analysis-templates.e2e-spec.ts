import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismaClient } from '@cutover/persistence';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const errorRate = {
  name: 'error-rate',
  args: [{ name: 'service' }, { name: 'threshold', value: '0.05' }],
  metrics: [
    {
      name: 'errors',
      provider: { prometheus: { address: 'http://prometheus:9090', query: 'sum(rate(http_errors{service="{{args.service}}",version="{{release.version}}"}[1m]))' } },
      successCondition: 'result[0] < 0.05',
      interval: '30s',
      count: 5,
    },
  ],
  credentials: { bearer: 'sekret-token-123' },
};

describe('analysis templates (REST + GraphQL)', () => {
  let api: TestApi;
  let admin: string;
  let deployer: string;
  let viewer: string;
  let db: PrismaClient;

  beforeAll(async () => {
    api = await startTestApi();
    db = createTestPrisma();
    admin = await api.token('admin');
    deployer = await api.token('deployer', { apps: ['tpl'] });
    viewer = await api.token('viewer');
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'tpl' }).expect(201);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.close();
  });

  it('records versions like releases, audited, and never returns the credentials', async () => {
    const v1 = await request(api.server).post('/v1/apps/tpl/analysis-templates').set(as(deployer)).send(errorRate).expect(201);
    expect(v1.body).toMatchObject({ app: 'tpl', name: 'error-rate', version: 1, credentials: 'bearer', args: [{ name: 'service', value: null }, { name: 'threshold', value: '0.05' }] });
    expect(v1.body.metrics[0]).toMatchObject({ name: 'errors', count: 5, interval: 30, provider: { type: 'prometheus', credentials: null } });
    const { credentials: _c, ...noSecret } = errorRate;
    const v2 = await request(api.server).post('/v1/apps/tpl/analysis-templates').set(as(deployer)).send({ ...noSecret, metrics: [{ ...errorRate.metrics[0], count: 3 }] }).expect(201);
    expect(v2.body).toMatchObject({ version: 2, credentials: 'bearer' });

    const latest = await request(api.server).get('/v1/apps/tpl/analysis-templates/error-rate').set(as(viewer)).expect(200);
    expect(latest.body.version).toBe(2);
    const list = await request(api.server).get('/v1/apps/tpl/analysis-templates').set(as(viewer)).expect(200);
    expect(list.body.items.map((t: { name: string; version: number }) => [t.name, t.version])).toEqual([['error-rate', 2]]);
    const versions = await request(api.server).get('/v1/apps/tpl/analysis-templates/error-rate/versions').set(as(viewer)).expect(200);
    expect(versions.body.items.map((t: { version: number }) => t.version)).toEqual([2, 1]);
    const one = await request(api.server).get('/v1/apps/tpl/analysis-templates/error-rate/versions/1').set(as(viewer)).expect(200);
    expect(one.body.metrics[0].count).toBe(5);
    await request(api.server).get('/v1/apps/tpl/analysis-templates/error-rate/versions/9').set(as(viewer)).expect(404);
    await request(api.server).put('/v1/apps/tpl/analysis-templates/error-rate').set(as(admin)).send({}).expect(405);
    for (const body of [v1.text, v2.text, latest.text, list.text, versions.text, one.text]) expect(body).not.toContain('sekret-token-123');

    const rows = await db.analysisTemplate.findMany({ where: { name: 'error-rate' } });
    for (const r of rows) expect(Buffer.from(r.credentials!).toString('utf8')).not.toContain('sekret');
    const audit = await db.auditEntry.findMany({ where: { action: 'analysis-template.create', resourceId: v1.body.id } });
    expect(audit).toEqual([expect.objectContaining({ outcome: 'success', resourceType: 'analysis-template' })]);
  });

  it.each<[string, unknown, string]>([
    ['an unknown provider', { name: 'x', metrics: [{ name: 'm', provider: { datadog: {} } }] }, 'metrics[0].provider'],
    ['a condition that does not compile', { name: 'x', metrics: [{ name: 'm', provider: { web: { url: 'http://x/' } }, successCondition: 'result >' }] }, 'metrics[0].successCondition'],
    ['a query naming an undeclared argument', { name: 'x', metrics: [{ ...errorRate.metrics[0], provider: { prometheus: { address: 'http://p:9090', query: 'up{job="{{args.job}}"}' } } }] }, 'metrics[0].provider.prometheus.query'],
    ['an interval under 1s', { name: 'x', metrics: [{ ...errorRate.metrics[0], interval: 0.2 }] }, 'metrics[0].interval'],
    ['credentials without a prometheus metric', { name: 'x', metrics: [{ name: 'm', provider: { web: { url: 'http://x/' } }, successCondition: 'true' }], credentials: { bearer: 't' } }, 'credentials'],
  ])('refuses %s with 422 naming the field, writing nothing', async (_what, body, field) => {
    const before = await db.analysisTemplate.count();
    const res = await request(api.server).post('/v1/apps/tpl/analysis-templates').set(as(deployer)).send(body as object).expect(422);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(await db.analysisTemplate.count()).toBe(before);
  });

  it('GraphQL: createAnalysisTemplate and analysisTemplate', async () => {
    const created = await request(api.server)
      .post('/graphql')
      .set(as(deployer))
      .send({
        query: 'mutation($input: CreateAnalysisTemplateInput!) { createAnalysisTemplate(app: "tpl", input: $input) { name version credentials } }',
        variables: { input: { name: 'smoke', metrics: [{ name: 'ok', provider: { http: { url: 'http://svc/healthz' } } }] } },
      })
      .expect(200);
    expect(created.body.data.createAnalysisTemplate).toEqual({ name: 'smoke', version: 1, credentials: null });
    const read = await request(api.server).post('/graphql').set(as(viewer)).send({ query: '{ analysisTemplate(app: "tpl", name: "smoke") { version metrics } analysisTemplates(app: "tpl") { items { name } } }' }).expect(200);
    expect(read.body.data.analysisTemplate.metrics[0]).toMatchObject({ successCondition: 'result == 200' });
    expect(read.body.data.analysisTemplates.items.map((t: { name: string }) => t.name).sort()).toEqual(['error-rate', 'smoke']);
  });

  it('a viewer cannot create one; a deployer of another app cannot either', async () => {
    await request(api.server).post('/v1/apps/tpl/analysis-templates').set(as(viewer)).send(errorRate).expect(403);
    const other = await api.token('deployer', { apps: ['other'] });
    await request(api.server).post('/v1/apps/tpl/analysis-templates').set(as(other)).send(errorRate).expect(403);
  });
});
