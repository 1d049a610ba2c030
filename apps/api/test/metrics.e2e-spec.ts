import { randomUUID } from 'node:crypto';
import net from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The series of one metric family in a scrape (one line per label set). */
const series = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe.each(['fastify', 'express'] as const)('metrics (%s)', (adapter) => {
  let api: TestApi;
  let metricsPort: number;
  const scrape = async () => (await request(api.server).get('/metrics').set('authorization', `Bearer ${api.bootstrapToken}`).expect(200)).text;

  beforeAll(async () => {
    metricsPort = await freePort();
    api = await startTestApi({ adapter, env: { METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' } });
  });
  afterAll(() => api.close());

  it('GET /metrics answers the Prometheus text format to an admin only', async () => {
    await request(api.server).get('/metrics').expect(401);
    for (const role of ['viewer', 'deployer'] as const) {
      await request(api.server).get('/metrics').set('authorization', `Bearer ${await api.token(role)}`).expect(403);
    }
    const res = await request(api.server).get('/metrics').set('authorization', `Bearer ${api.bootstrapToken}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const family of ['cutover_http_request_seconds', 'cutover_deployments', 'cutover_queue_jobs', 'cutover_commands_total', 'cutover_api_process_cpu_seconds_total', 'cutover_api_nodejs_heap_size_used_bytes']) {
      expect(res.text).toContain(`# TYPE ${family} `);
    }
    expect(series(res.text, 'cutover_queue_jobs').length).toBeGreaterThanOrEqual(5);
  });

  it('the METRICS_PORT listener answers scrapers without a token, and nothing else', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE cutover_http_request_seconds histogram');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/v1/apps`)).status).toBe(404);
  });

  it('labels answers by route template: 1,000 distinct deployments add no series; refused commands are counted', async () => {
    const auth = { authorization: `Bearer ${api.bootstrapToken}` };
    const get = (id: string) => request(api.server).get(`/v1/deployments/${id}`).set(auth).expect(404);
    for (let i = 0; i < 10; i++) await get(randomUUID());
    const before = series(await scrape(), 'cutover_http_request_seconds_count');
    const ids = Array.from({ length: 1_000 }, () => randomUUID());
    for (let i = 0; i < ids.length; i += 25) await Promise.all(ids.slice(i, i + 25).map(get));
    const after = series(await scrape(), 'cutover_http_request_seconds_count');
    expect(after.length).toBe(before.length);
    const line = after.find((l) => l.includes('route="/v1/deployments/:id"') && l.includes('method="GET"') && l.includes('status="404"'));
    expect(line, after.join('\n')).toBeDefined();
    expect(Number(line!.split(' ').at(-1))).toBeGreaterThanOrEqual(1_010);
    expect(after.join('\n')).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

    await request(api.server).post(`/v1/deployments/${randomUUID()}/promote`).set(auth).send({ reason: 'metrics' }).expect(404);
    expect(series(await scrape(), 'cutover_commands_total').find((l) => l.includes('verb="promote"') && l.includes('outcome="refused"'))).toMatch(/ 1$/);
  });
});
