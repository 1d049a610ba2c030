import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

// Release lists are cached per replica; two api instances on one database and one Redis stand for two replicas.
describe('release list cache across replicas', () => {
  let a: TestApi;
  let b: TestApi;
  let adminA: string;
  let adminB: string;
  const app = `cache-e2e-${Date.now()}`;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApi(), startTestApi()]);
    [adminA, adminB] = await Promise.all([a.token('admin'), b.token('admin')]);
    await request(a.server).post('/v1/apps').set('authorization', `Bearer ${adminA}`).send({ name: app }).expect(201);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const versions = async (api: TestApi, token: string): Promise<string[]> => {
    const res = await request(api.server).get(`/v1/apps/${app}/releases`).set('authorization', `Bearer ${token}`).expect(200);
    return (res.body.items as { version: string }[]).map((r) => r.version);
  };

  it('shows a new release at once on the replica that wrote it and promptly on the others', async () => {
    expect(await versions(b, adminB)).toEqual([]);
    expect(await versions(a, adminA)).toEqual([]);
    await request(a.server).post(`/v1/apps/${app}/releases`).set('authorization', `Bearer ${adminA}`).send({ version: '1.0.0', image: 'r/x:1' }).expect(201);
    expect(await versions(a, adminA)).toEqual(['1.0.0']);
    const deadline = Date.now() + 5_000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = await versions(b, adminB);
      if (seen.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).toEqual(['1.0.0']);
  });

  it('forgets an app deleted through another replica', async () => {
    expect(await versions(b, adminB)).toEqual(['1.0.0']);
    await request(a.server).delete(`/v1/apps/${app}`).set('authorization', `Bearer ${adminA}`).expect(204);
    const deadline = Date.now() + 5_000;
    let status = 200;
    while (Date.now() < deadline && status === 200) {
      status = (await request(b.server).get(`/v1/apps/${app}/releases`).set('authorization', `Bearer ${adminB}`)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(404);
  });
});
