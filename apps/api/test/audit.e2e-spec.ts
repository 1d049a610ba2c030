import { Client } from 'pg';
import request from 'supertest';
import { createScratchDatabase } from '@cutover/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

interface Row {
  seq: string;
  sealed: boolean;
  hash: string | null;
  action: string;
  actorName: string;
  resourceType: string;
  resourceId: string | null;
  at: string;
}

// A database of its own: tampering with the chain must not break other files' verify calls.
describe('audit log', () => {
  let api: TestApi;
  let admin: string;
  let scratch: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    scratch = await createScratchDatabase({ migrated: true });
    api = await startTestApi({ env: { DATABASE_URL: scratch.url } });
    admin = await api.token('admin');
  });
  afterAll(async () => {
    await api.close();
    await scratch.drop();
  });

  const get = (path: string, token = admin) => request(api.server).get(path).set('authorization', `Bearer ${token}`);

  it('lists newest first, filtered by actor, action, resource and since, page by page', async () => {
    const before = new Date().toISOString();
    const ids: string[] = [];
    for (const name of ['a1', 'a2', 'a3']) {
      const res = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${admin}`).send({ name, role: 'viewer' }).expect(201);
      ids.push(res.body.id);
    }
    const byAction = await get(`/v1/audit?action=token.create&since=${encodeURIComponent(before)}`).expect(200);
    expect((byAction.body.items as Row[]).map((r) => r.resourceId)).toEqual([...ids].reverse());

    const byResource = await get(`/v1/audit?resource=token:${ids[1]}`).expect(200);
    expect((byResource.body.items as Row[]).map((r) => r.resourceId)).toEqual([ids[1]]);

    const byActor = await get('/v1/audit?actor=test-admin-1&limit=500').expect(200);
    expect((byActor.body.items as Row[]).every((r) => r.actorName === 'test-admin-1')).toBe(true);
    expect(byActor.body.items.length).toBe(3);

    const page1 = await get(`/v1/audit?limit=2&since=${encodeURIComponent(before)}`).expect(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await get(`/v1/audit?limit=2&since=${encodeURIComponent(before)}&cursor=${page1.body.nextCursor}`).expect(200);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    expect(BigInt(page1.body.items[1].seq)).toBeGreaterThan(BigInt(page2.body.items[0].seq));
  });

  it('refuses bad filters naming them', async () => {
    const res = await get('/v1/audit?since=yesterday&resource=BAD&cursor=x').expect(422);
    expect((res.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['resource', 'since']);
    const cursor = await get('/v1/audit?cursor=x').expect(422);
    expect(cursor.body.errors[0].path).toBe('cursor');
  });

  /** Polls verify (which seals what has settled first) until every entry is sealed. */
  async function sealedChain(): Promise<{ ok: boolean; count: number }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await get('/v1/audit/verify').expect(200);
      if (res.body.unsealed.count === 0 || Date.now() > deadline) return res.body;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('is readable by any role, verify included', async () => {
    const viewer = await api.token('viewer');
    await get('/v1/audit', viewer).expect(200);
    const verify = await get('/v1/audit/verify', viewer).expect(200);
    expect(verify.body).toMatchObject({ ok: true, firstBroken: null, unsealed: { count: expect.any(Number) } });
    expect(verify.body.count + verify.body.unsealed.count).toBeGreaterThan(4);
  });

  it('lists entries at once, unsealed ones too, and says which the sealer has chained', async () => {
    const res = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${admin}`).send({ name: 'fresh', role: 'viewer' }).expect(201);
    const listed = await get(`/v1/audit?resource=token:${res.body.id}`).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ action: 'token.create', sealed: expect.any(Boolean) })]);
    expect(await sealedChain()).toMatchObject({ ok: true, unsealed: { count: 0, oldestAt: null, oldestAgeMs: null } });
    const sealed = (await get(`/v1/audit?resource=token:${res.body.id}`).expect(200)).body.items[0];
    expect(sealed).toMatchObject({ sealed: true, hash: expect.stringMatching(/^[0-9a-f]{64}$/), prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Date.parse(sealed.sealedAt)).toBeGreaterThanOrEqual(Date.parse(sealed.at));
  });

  it('names the first altered entry after a superuser changes a sealed row behind its back', async () => {
    // Only sealed entries are covered by the chain: wait until the sealer has chained everything.
    expect(await sealedChain()).toMatchObject({ ok: true, unsealed: { count: 0 } });
    const rows = await get('/v1/audit?action=token.create&limit=500').expect(200);
    const victim = (rows.body.items as Row[])[1]!;
    expect(victim.sealed).toBe(true);
    const db = new Client({ connectionString: scratch.url });
    await db.connect();
    try {
      // The append-only trigger refuses the change; only a superuser switching triggers off can make it.
      await expect(db.query('UPDATE "AuditEntry" SET "actorName" = $1 WHERE seq = $2', ['mallory', victim.seq])).rejects.toThrow();
      await db.query('BEGIN');
      await db.query('SET LOCAL session_replication_role = replica');
      await db.query('UPDATE "AuditEntry" SET "actorName" = $1 WHERE seq = $2', ['mallory', victim.seq]);
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
    const verify = await get('/v1/audit/verify').expect(200);
    expect(verify.body).toMatchObject({ ok: false, firstBroken: { seq: victim.seq, reason: expect.stringContaining('altered') } });
  });

  it('names the resource (app, environment, cluster) and filters by those names, also after the app is deleted', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    await scratchClusterNamed('audit-names-c');
    await request(api.server).post('/v1/apps').set(auth).send({ name: 'named' }).expect(201);
    await request(api.server).post('/v1/apps/named/environments').set(auth).send({ name: 'prod', cluster: 'audit-names-c', namespace: 'named', replicas: 1 }).expect(201);
    await request(api.server).delete('/v1/apps/named').set(auth).expect(204);
    const byApp = await get('/v1/audit?app=named').expect(200);
    expect(byApp.body.items.map((e: { action: string }) => e.action)).toEqual(['app.delete', 'environment.create', 'app.create']);
    expect(byApp.body.items[1]).toMatchObject({ app: 'named', environment: 'prod', cluster: 'audit-names-c', version: null });
    const byEnv = await get('/v1/audit?app=named&environment=prod').expect(200);
    expect(byEnv.body.items.map((e: { action: string }) => e.action)).toEqual(['environment.create']);
    const bad = await get('/v1/audit?app=Not_A_Name').expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'app' })]);
  });

  async function scratchClusterNamed(name: string): Promise<void> {
    const client = new Client({ connectionString: scratch.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO "Cluster" ("id", "name", "server", "authKind", "credentials", "updatedAt") VALUES (gen_random_uuid(), $1, 'https://127.0.0.1:1', 'token', '\\x01', now())`, [name]);
    } finally {
      await client.end();
    }
  }
});
