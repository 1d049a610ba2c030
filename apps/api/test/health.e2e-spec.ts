import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

describe('readiness when Redis is down', () => {
  let api: TestApi;

  beforeAll(async () => {
    // Port 9 on 127.0.0.1 (discard) has no listener here: Redis is "down" for this api only.
    api = await startTestApi({ env: { REDIS_URL: 'redis://127.0.0.1:9' } });
  });
  afterAll(() => api.close());

  it('stays alive but answers 503 problem+json naming what is down', async () => {
    await request(api.server).get('/healthz').expect(200);
    const res = await request(api.server).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'UNAVAILABLE', status: 503, details: { down: ['redis'], checks: { postgres: 'up', redis: 'down' } } });
    expect(res.body.detail).toMatch(/redis/);
  });
});
