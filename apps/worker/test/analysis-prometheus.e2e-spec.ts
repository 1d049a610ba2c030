// Metric analysis against a REAL Prometheus (Debian's prometheus binary) scraping an endpoint this test serves and
// changes, through the real api, queue, worker and simulator: a good canary is promoted by analysis alone, a rising
// error rate rolls it back with the measured values in the detail, no data pauses it as Inconclusive, and a
// Prometheus that is down or answers garbage gives error measurements (with their reason) that never pass.
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/test-api';
import { freePort, startPrometheus, type TestPrometheus } from './prometheus.testing';
import { startStack, startWorker, until, type Stack } from './worker-harness';

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const ENVS = ['good', 'bad', 'nodata', 'down'];

describe('analysis with a real Prometheus', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let api: TestApi;
  let prom: TestPrometheus;
  let admin: string;

  const detail = async (id: string) => (await request(api.server).get(`/v1/deployments/${id}`).set(as(admin)).expect(200)).body as Record<string, unknown>;
  const phaseOf = (id: string, phases: string[], timeoutMs = 40_000) =>
    until(`deployment ${id} in ${phases.join('/')}`, async () => {
      const d = await detail(id);
      const label = d.pauseReason ? `${String(d.phase)}(${String(d.pauseReason)})` : String(d.phase);
      return phases.includes(label) || phases.includes(String(d.phase)) ? d : undefined;
    }, timeoutMs, 100);
  const deploy = async (environment: string, release: string, strategy?: unknown) => {
    const res = await request(api.server).post('/v1/deployments').set(as(admin)).send({ app: 'shop', environment, release, ...(strategy ? { strategy } : {}) });
    expect(res.status, res.text).toBe(202);
    return res.body.id as string;
  };
  const measurements = (deploymentId: string) => stack.prisma.analysisMeasurement.findMany({ where: { deploymentId }, orderBy: { id: 'asc' } });
  const metric = (over: Record<string, unknown>) => ({
    name: 'success-rate',
    provider: { prometheus: { address: prom.url, query: 'canary_success_rate{env="{{args.env}}"}' } },
    successCondition: 'result[0] >= 0.95',
    interval: '1s',
    count: 2,
    ...over,
  });

  beforeAll(async () => {
    prom = await startPrometheus();
    prom.gauges.set('canary_success_rate{env="good"}', 0.99);
    prom.gauges.set('canary_error_rate{env="bad"}', 0.01);
    stack = await startStack('analysis-prom');
    worker = await startWorker(stack);
    api = await startTestApi({ env: { CUTOVER_QUEUE_PREFIX: stack.prefix } });
    admin = await api.token('admin');
    const cluster = await stack.prisma.cluster.findUniqueOrThrow({ where: { id: stack.clusterId } });
    await request(api.server).post('/v1/apps').set(as(admin)).send({ name: 'shop' }).expect(201);
    for (const env of ENVS) {
      await request(api.server)
        .post('/v1/apps/shop/environments')
        .set(as(admin))
        .send({ name: env, cluster: cluster.name, namespace: `ns-${env}`, replicas: 2, strategy: { type: 'Canary', steps: [{ setWeight: 50 }] }, service: { port: 80, targetPort: 8080 } })
        .expect(201);
    }
    for (const v of ['1.0.0', '1.1.0']) await request(api.server).post('/v1/apps/shop/releases').set(as(admin)).send({ version: v, image: `example/shop:${v}` }).expect(201);
    const firsts = await Promise.all(ENVS.map((env) => deploy(env, '1.0.0')));
    await Promise.all(firsts.map((id) => phaseOf(id, ['Succeeded'])));
    await prom.scrapes(2);
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await stack?.stop();
    await prom?.stop();
  });

  it('refuses a strategy whose analysis cannot work, naming the field, and writes nothing', async () => {
    const before = await stack.prisma.deployment.count();
    const refused = async (analysis: unknown, field: string) => {
      const res = await request(api.server)
        .post('/v1/deployments')
        .set(as(admin))
        .send({ app: 'shop', environment: 'good', release: '1.1.0', strategy: { type: 'Canary', steps: [{ setWeight: 50 }, { analysis }] } });
      expect(res.status, res.text).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    };
    await refused({ metrics: [metric({ successCondition: 'result[0] >=' })] }, 'strategy.steps[1].analysis.metrics[0].successCondition');
    await refused({ metrics: [metric({ interval: '500ms' })] }, 'strategy.steps[1].analysis.metrics[0].interval');
    await refused({ metrics: [metric({ provider: { datadog: { query: 'x' } } })] }, 'strategy.steps[1].analysis.metrics[0].provider');
    await refused({ templates: ['nope'] }, 'strategy.steps[1].analysis.templates[0]');
    await refused({ metrics: [metric({})] }, 'strategy.steps[1].analysis.args.env');
    expect(await stack.prisma.deployment.count()).toBe(before);
  });

  it('a good canary is promoted through its steps by analysis alone (inline metrics and a template with arguments)', async () => {
    await request(api.server)
      .post('/v1/apps/shop/analysis-templates')
      .set(as(admin))
      .send({ name: 'success-rate', args: [{ name: 'env' }], metrics: [metric({ count: 1 })], credentials: { bearer: 'prom-token' } })
      .expect(201);
    const id = await deploy('good', '1.1.0', {
      type: 'Canary',
      steps: [{ setWeight: 50 }, { analysis: { args: { env: 'good' }, metrics: [metric({})] } }, { setWeight: 100 }, { analysis: { templates: ['success-rate'], args: { env: 'good' } } }],
    });
    await phaseOf(id, ['Succeeded']);
    const rows = await measurements(id);
    expect(rows.map((r) => [r.stage, r.metric, r.phase, r.value])).toEqual([
      ['step', 'success-rate', 'Successful', '[0.99]'],
      ['step', 'success-rate', 'Successful', '[0.99]'],
      ['step', 'success-rate', 'Successful', '[0.99]'],
    ]);
    expect(rows[0]!.query).toBe('canary_success_rate{env="good"}');
    const events = await stack.prisma.deploymentEvent.findMany({ where: { deploymentId: id }, orderBy: { position: 'asc' } });
    expect(events.filter((e) => e.type === 'AnalysisMeasured')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'AnalysisSuccessful')).toHaveLength(2);
  });

  it('a rising error rate rolls the canary back on the failing measurement, the measured values in the detail', async () => {
    const id = await deploy('bad', '1.1.0', {
      type: 'Canary',
      steps: [{ setWeight: 50 }, { pause: { duration: '5m' } }],
      backgroundAnalysis: {
        metrics: [{ name: 'error-rate', provider: { prometheus: { address: prom.url, query: 'canary_error_rate{env="bad"}' } }, successCondition: 'result[0] < 0.05', interval: '1s' }],
      },
    });
    await until('two good measurements', async () => ((await measurements(id)).filter((m) => m.phase === 'Successful').length >= 2 ? true : undefined), 30_000, 100);
    prom.gauges.set('canary_error_rate{env="bad"}', 0.5);
    const ended = await phaseOf(id, ['RolledBack']);
    const rows = await measurements(id);
    const failed = rows.findIndex((r) => r.phase === 'Failed');
    // The detail (REST and GraphQL) shows what was measured and why it rolled back.
    const analysis = ended.analysis as { runs: Array<{ phase: string; metrics: Array<{ lastValue: string }> }>; measurements: Array<{ phase: string; value: string }> };
    expect(analysis.runs).toEqual([expect.objectContaining({ stage: 'background', phase: 'Failed', metrics: [expect.objectContaining({ name: 'error-rate', lastValue: '[0.5]' })] })]);
    expect(analysis.measurements.at(-1)).toMatchObject({ phase: 'Failed', value: '[0.5]', query: 'canary_error_rate{env="bad"}' });
    const gql = await request(api.server)
      .post('/graphql')
      .set(as(admin))
      .send({ query: `{ deployment(id: "${id}") { failure { code } analysis { runs { phase } measurements { phase value } } } }` })
      .expect(200);
    expect(gql.body.data.deployment.failure.code).toBe('AnalysisFailed');
    expect(gql.body.data.deployment.analysis.measurements.at(-1)).toEqual({ phase: 'Failed', value: '[0.5]' });
    expect(rows[failed]).toMatchObject({ stage: 'background', metric: 'error-rate', value: '[0.5]' });
    // The run stopped at the failing measurement: none after it.
    expect(rows.slice(failed + 1)).toEqual([]);
    const failure = (ended as { failure?: { code?: string; reason?: string } }).failure;
    expect(failure?.reason ?? String(ended.failureReason)).toContain('error-rate');
    const state = await stack.prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect((state.state as { failure: { code: string; data: { metrics: Array<{ lastValue: string }> } } }).failure).toMatchObject({
      code: 'AnalysisFailed',
      data: { metrics: [expect.objectContaining({ name: 'error-rate', lastValue: '[0.5]', failed: 1 })] },
    });
  });

  it('no data pauses the canary as Inconclusive; promote goes on', async () => {
    const id = await deploy('nodata', '1.1.0', {
      type: 'Canary',
      steps: [{ setWeight: 50 }, { analysis: { metrics: [metric({ name: 'missing', provider: { prometheus: { address: prom.url, query: 'canary_missing_metric' } }, count: 1 })] } }, { setWeight: 100 }],
    });
    await phaseOf(id, ['Paused(Inconclusive)']);
    const rows = await measurements(id);
    expect(rows.map((r) => [r.phase, r.value, r.message])).toEqual([['Inconclusive', '[]', 'no data (empty result)']]);
    await request(api.server).post(`/v1/deployments/${id}/promote`).set(as(admin)).send({ reason: 'looked at the dashboards' }).expect(202);
    await phaseOf(id, ['Succeeded']);
  });

  it('a Prometheus that is down or answers garbage gives error measurements with the reason, which never pass', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const id = await deploy('down', '1.1.0', {
      type: 'Canary',
      steps: [
        { setWeight: 50 },
        {
          analysis: {
            metrics: [
              metric({ name: 'down', provider: { prometheus: { address: down, query: 'up' } }, count: 3, consecutiveErrorLimit: 1 }),
              metric({ name: 'garbage', provider: { prometheus: { address: `${prom.metricsUrl}/garbage`, query: 'up' } }, count: 3, consecutiveErrorLimit: 1 }),
            ],
          },
        },
      ],
    });
    const ended = await phaseOf(id, ['RolledBack']);
    expect(String(ended.failureReason)).toMatch(/errored/);
    const rows = await measurements(id);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.phase === 'Error')).toBe(true);
    expect(rows.find((r) => r.metric === 'down')?.message).toMatch(/ECONNREFUSED|fetch failed/);
    expect(rows.find((r) => r.metric === 'garbage')?.message).toMatch(/not JSON/);
  });
});
