import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

describe('queue board at /admin/queues', () => {
  let api: TestApi;
  let deployer: string;
  const admin = () => ({ authorization: `Bearer ${api.bootstrapToken}` });

  beforeAll(async () => {
    api = await startTestApi();
    deployer = await api.token('deployer');
  });
  afterAll(() => api.close());

  it('refuses callers without a token (401) and below admin (403) on the page, its API and its assets, as problem+json', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png', '/admin/queues/queue/deployments']) {
      const anonymous = await request(api.server).get(path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      const refused = await request(api.server).get(path).set('authorization', `Bearer ${deployer}`);
      expect(refused.status, path).toBe(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    }
    await request(api.server).get('/admin/queues/api/queues').set('authorization', 'Bearer cut_not_a_real_token_000000000000').expect(401);
  });

  it('shows an admin both queues, read-only by default', async () => {
    const page = await request(api.server).get('/admin/queues').set(admin()).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('Cutover queues');
    const queues = await request(api.server).get('/admin/queues/api/queues').set(admin()).expect(200);
    const names = (queues.body.queues as Array<{ name: string; readOnlyMode: boolean }>).map((q) => q.name).sort();
    expect(names).toEqual(['deployments', 'notifications']);
    expect((queues.body.queues as Array<{ readOnlyMode: boolean }>).every((q) => q.readOnlyMode)).toBe(true);
    // Read-only: the board's write routes refuse.
    const clean = await request(api.server).put('/admin/queues/api/queues/deployments/clean/completed').set(admin());
    expect(clean.status).toBeGreaterThanOrEqual(400);
    expect(clean.status).toBeLessThan(500);
  });
});
