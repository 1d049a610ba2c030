import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

describe('tokens', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.token('admin');
  });
  afterAll(() => api.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('shows the secret once, stores only its hash, and audits the creation in the same transaction', async () => {
    const created = await request(api.server)
      .post('/v1/tokens')
      .set(as(admin))
      .send({ name: 'ci-deployer', role: 'deployer', scopes: { apps: ['checkout'], environments: ['staging'] } })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'ci-deployer', role: 'deployer', scopes: { apps: ['checkout'], environments: ['staging'] }, revokedAt: null });
    expect(created.body.secret).toMatch(/^cut_[0-9A-Za-z]{43}$/);
    expect(created.body.secret.startsWith(created.body.prefix)).toBe(true);

    const read = await request(api.server).get(`/v1/tokens/${created.body.id}`).set(as(admin)).expect(200);
    expect(read.body.secret).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(created.body.secret);
    expect(Object.keys(read.body).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role', 'scopes']);

    const audit = await request(api.server).get(`/v1/audit?action=token.create&resource=token:${created.body.id}`).set(as(admin)).expect(200);
    expect(audit.body.items).toEqual([expect.objectContaining({ outcome: 'success', resourceType: 'token', resourceId: created.body.id, interface: 'rest' })]);
    expect(JSON.stringify(audit.body)).not.toContain(created.body.secret);
  });

  it('refuses scopes on a non-deployer token', async () => {
    const res = await request(api.server).post('/v1/tokens').set(as(admin)).send({ name: 'v', role: 'viewer', scopes: { apps: ['a'] } }).expect(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'scopes', rule: 'deployerOnly' })]);
  });

  it('pages through tokens with limit and cursor', async () => {
    for (let i = 0; i < 3; i++) await request(api.server).post('/v1/tokens').set(as(admin)).send({ name: `page-${i}`, role: 'viewer' }).expect(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(api.server)
        .get('/v1/tokens')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(as(admin))
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((t: { id: string }) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await request(api.server).get('/v1/tokens?limit=500').set(as(admin)).expect(200);
    expect(seen).toEqual(all.body.items.map((t: { id: string }) => t.id));
  });

  it('404s an unknown or malformed id', async () => {
    const missing = await request(api.server).get('/v1/tokens/7d3c2a4e-0000-4000-8000-000000000000').set(as(admin)).expect(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    await request(api.server).delete('/v1/tokens/not-a-uuid').set(as(admin)).expect(404);
  });

  it('revokes, audits the revocation, and keeps the first revocation time', async () => {
    const created = await request(api.server).post('/v1/tokens').set(as(admin)).send({ name: 'short-lived', role: 'viewer' }).expect(201);
    const first = await request(api.server).delete(`/v1/tokens/${created.body.id}`).set(as(admin)).expect(200);
    expect(first.body.revokedAt).not.toBeNull();
    const second = await request(api.server).delete(`/v1/tokens/${created.body.id}`).set(as(admin)).expect(200);
    expect(second.body.revokedAt).toBe(first.body.revokedAt);
    await request(api.server).get('/v1/audit').set(as(created.body.secret)).expect(401);
    const audit = await request(api.server).get(`/v1/audit?action=token.revoke&resource=token:${created.body.id}`).set(as(admin)).expect(200);
    expect(audit.body.items.length).toBe(2);
  });
});
