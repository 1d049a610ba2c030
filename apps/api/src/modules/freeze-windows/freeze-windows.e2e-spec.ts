import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismaClient } from '@cutover/persistence';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';

// Every window here names its apps: the run's database is shared by test files running at once, and a global window
// would freeze their deployments too.
describe('freeze windows (REST + GraphQL)', () => {
  let api: TestApi;
  let admin: string;
  let viewer: string;
  let deployer: string;
  let db: PrismaClient;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    api = await startTestApi();
    [admin, viewer, deployer] = await Promise.all([api.token('admin'), api.token('viewer'), api.token('deployer')]);
    db = createTestPrisma();
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.close();
  });

  it('creates an absolute window, lists it as active at an instant inside it, deletes it (admin), audited', async () => {
    const created = await request(api.server)
      .post('/v1/freeze-windows')
      .set(as(admin))
      .send({ name: 'fw-xmas', apps: ['fw-shop'], environments: ['prod'], from: '2030-12-24T00:00:00Z', to: '2030-12-27T00:00:00+01:00', reason: 'Holidays' })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'fw-xmas', apps: ['fw-shop'], environments: ['prod'], cron: null, from: '2030-12-24T00:00:00.000Z', to: '2030-12-26T23:00:00.000Z', active: false, nextStart: '2030-12-24T00:00:00.000Z' });
    expect(await db.auditEntry.count({ where: { action: 'freeze-window.create', resourceId: created.body.id } })).toBe(1);

    const inside = await request(api.server).get('/v1/freeze-windows').query({ at: '2030-12-25T12:00:00Z' }).set(as(viewer)).expect(200);
    expect(inside.body.items).toEqual([expect.objectContaining({ name: 'fw-xmas', active: true, activeUntil: '2030-12-26T23:00:00.000Z' })]);
    const outside = await request(api.server).get('/v1/freeze-windows').query({ at: '2030-12-28T00:00:00Z' }).set(as(viewer)).expect(200);
    expect(outside.body.items.map((w: { name: string }) => w.name)).not.toContain('fw-xmas');

    await request(api.server).post('/v1/freeze-windows').set(as(deployer)).send({ name: 'fw-nope', from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z', reason: 'x' }).expect(403);
    await request(api.server).delete(`/v1/freeze-windows/${created.body.id}`).set(as(deployer)).expect(403);
    await request(api.server).delete(`/v1/freeze-windows/${created.body.id}`).set(as(admin)).expect(204);
    await request(api.server).get(`/v1/freeze-windows/${created.body.id}`).set(as(viewer)).expect(404);
    expect(await db.auditEntry.count({ where: { action: 'freeze-window.delete', resourceId: created.body.id } })).toBe(1);
  });

  it('a recurring window is read in its time zone and chains into one freeze with its end', async () => {
    // Fridays 18:00 in Berlin (17:00 UTC in winter) for 62 h: until Monday 08:00 Berlin.
    const created = await request(api.server)
      .post('/v1/freeze-windows')
      .set(as(admin))
      .send({ name: 'fw-weekend', apps: ['fw-shop'], cron: '0 18 * * 5', duration: '62h', timeZone: 'Europe/Berlin', reason: 'No weekend deploys', overrideRoles: ['deployer'] })
      .expect(201);
    expect(created.body).toMatchObject({ cron: '0 18 * * 5', durationSeconds: 62 * 3600, timeZone: 'Europe/Berlin', overrideRoles: ['deployer'] });
    const saturday = await request(api.server).get('/v1/freeze-windows').query({ at: '2030-12-07T12:00:00Z' }).set(as(viewer)).expect(200);
    expect(saturday.body.items).toContainEqual(expect.objectContaining({ name: 'fw-weekend', activeFrom: '2030-12-06T17:00:00.000Z', activeUntil: '2030-12-09T07:00:00.000Z' }));

    const gql = await request(api.server)
      .post('/graphql')
      .set(as(viewer))
      .send({ query: '{ freezeWindows(at: "2030-12-07T12:00:00Z") { items { name active activeUntil } } }' })
      .expect(200);
    expect(gql.body.data.freezeWindows.items).toContainEqual({ name: 'fw-weekend', active: true, activeUntil: '2030-12-09T07:00:00.000Z' });
    await request(api.server).delete(`/v1/freeze-windows/${created.body.id}`).set(as(admin)).expect(204);
  });

  it('bad input names the field and writes nothing', async () => {
    const requestId = `fw-bad-${Date.now()}`;
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: 'fw-b1', cron: '61 * * * *', duration: '1h', reason: 'x' }, 'cron', 'cron'],
      [{ name: 'fw-b2', cron: '0 * * * *', duration: '1h', timeZone: 'Mars/Olympus', reason: 'x' }, 'timeZone', 'ianaTimeZone'],
      [{ name: 'fw-b3', cron: '0 * * * *', reason: 'x' }, 'duration', 'required'],
      [{ name: 'fw-b4', cron: '0 * * * *', duration: 'a while', reason: 'x' }, 'duration', 'duration'],
      [{ name: 'fw-b5', from: '2030-12-24', to: '2030-12-25T00:00:00Z', reason: 'x' }, 'from', 'dateTime'],
      [{ name: 'fw-b6', from: '2030-12-25T00:00:00Z', to: '2030-12-24T00:00:00Z', reason: 'x' }, 'to', 'after'],
      [{ name: 'fw-b7', reason: 'x' }, 'cron', 'oneOf'],
      [{ name: 'fw-b8', cron: '0 * * * *', duration: '1h', from: '2030-12-25T00:00:00Z', to: '2030-12-26T00:00:00Z', reason: 'x' }, 'cron', 'oneOf'],
      [{ name: 'fw-b9', cron: '0 * * * *', duration: '1h', reason: 'x', overrideRoles: ['root'] }, 'overrideRoles', 'isIn'],
    ];
    for (const [body, path, rule] of cases) {
      const res = await request(api.server).post('/v1/freeze-windows').set(as(admin)).set('x-request-id', requestId).send(body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors, JSON.stringify(res.body)).toContainEqual(expect.objectContaining({ path, ...(rule === 'isIn' ? {} : { rule }) }));
    }
    const at = await request(api.server).get('/v1/freeze-windows').query({ at: 'tomorrow' }).set(as(viewer)).expect(400);
    expect(at.body.errors).toEqual([expect.objectContaining({ path: 'at' })]);
    expect(await db.freezeWindow.count({ where: { name: { startsWith: 'fw-b' } } })).toBe(0);
    expect(await db.auditEntry.count({ where: { requestId } })).toBe(0);
  });
});
