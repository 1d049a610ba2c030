import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationQueue } from '@cutover/queue';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';

const URL_SECRET_PART = 'T000/B000/never-to-be-seen-7c1e';
const SIGNING_SECRET = 'whsec-never-to-be-seen-5a9d2e';

describe('notification channels (REST and GraphQL)', () => {
  let api: TestApi;
  let admin: string;
  let deployer: string;
  let viewer: string;
  const prisma = createTestPrisma({ poolSize: 2 });
  const texts: string[] = [];
  const tag = randomUUID().slice(0, 6);
  const n = (name: string) => `${name}-${tag}`;

  const call = async (method: 'get' | 'post' | 'patch' | 'delete', path: string, token: string, body?: unknown) => {
    let req = request(api.server)[method](path).set('authorization', `Bearer ${token}`);
    if (body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(body));
    const res = await req;
    texts.push(res.text);
    return res;
  };

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.token('admin');
    deployer = await api.token('deployer', { apps: [n('shop')] });
    viewer = await api.token('viewer');
  });
  afterAll(async () => {
    // Nothing any answer said may include the URL or the secret.
    for (const t of texts) {
      expect(t).not.toContain(URL_SECRET_PART);
      expect(t).not.toContain(SIGNING_SECRET);
    }
    await prisma.$disconnect();
    await api.close();
  });

  it('creates a signed webhook channel: URL and secret sealed at rest, never returned, the change audited', async () => {
    const res = await call('post', '/v1/notification-channels', admin, {
      name: n('ops'),
      kind: 'webhook',
      url: `https://hooks.example.com/${URL_SECRET_PART}`,
      secret: SIGNING_SECRET,
      apps: [n('shop')],
      events: ['failed', 'succeeded'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: n('ops'), kind: 'webhook', urlOrigin: 'https://hooks.example.com', hasSecret: true, apps: [n('shop')], environments: [], events: ['failed', 'succeeded'], enabled: true });
    expect(res.body).not.toHaveProperty('url');
    expect(res.body).not.toHaveProperty('secret');
    const row = await prisma.notificationChannel.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(Buffer.from(row.url).toString('latin1')).not.toContain(URL_SECRET_PART);
    expect(Buffer.from(row.secret!).toString('latin1')).not.toContain(SIGNING_SECRET);
    const audit = await prisma.auditEntry.findFirst({ where: { action: 'notification-channel.create', resourceId: n('ops') } });
    expect(audit).toMatchObject({ interface: 'rest', outcome: 'success' });

    expect((await call('post', '/v1/notification-channels', admin, { name: n('ops'), kind: 'slack', url: 'https://hooks.slack.com/x' })).status).toBe(409);
  });

  it.each([
    ['kind', { kind: 'email' }],
    ['url', { url: 'ftp://files.example.com/x' }],
    ['url', { url: 'not a url' }],
    ['events', { events: ['started', 'exploded'] }],
    ['name', { name: 'Not_A_Label' }],
    ['name', { name: 'nul\u0000byte' }],
    ['secret', { kind: 'slack', secret: 'a-secret-for-slack-1234' }],
    ['secret', { secret: 'short' }],
  ])('refuses a bad %s with 422 naming it, and writes nothing', async (field, patch) => {
    const before = await prisma.notificationChannel.count();
    const res = await call('post', '/v1/notification-channels', admin, { name: n('bad'), kind: 'webhook', url: 'https://hooks.example.com/x', ...patch });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(await prisma.notificationChannel.count()).toBe(before);
  });

  it('lets a deployer manage only channels limited to its apps, and hides the rest from it', async () => {
    const everything = await call('post', '/v1/notification-channels', deployer, { name: n('dep-all'), kind: 'webhook', url: 'https://hooks.example.com/a' });
    expect(everything.status).toBe(403);
    const elsewhere = await call('post', '/v1/notification-channels', deployer, { name: n('dep-other'), kind: 'webhook', url: 'https://hooks.example.com/a', apps: ['other-app'] });
    expect(elsewhere.status).toBe(403);
    const mine = await call('post', '/v1/notification-channels', deployer, { name: n('dep-mine'), kind: 'slack', url: 'https://hooks.slack.com/services/x', apps: [n('shop')] });
    expect(mine.status).toBe(201);
    expect(mine.body.createdBy).toMatch(/^test-deployer/);

    const global = await call('post', '/v1/notification-channels', admin, { name: n('global'), kind: 'webhook', url: 'https://hooks.example.com/g' });
    expect(global.status).toBe(201);
    expect((await call('get', `/v1/notification-channels/${global.body.id}`, deployer)).status).toBe(403);
    expect((await call('patch', `/v1/notification-channels/${mine.body.id}`, deployer, { apps: [] })).status).toBe(403);
    const list = await call('get', '/v1/notification-channels?limit=500', deployer);
    const names = list.body.items.map((c: { name: string }) => c.name);
    expect(names).toContain(n('dep-mine'));
    expect(names).not.toContain(n('global'));
    expect((await call('get', '/v1/notification-channels', viewer)).status).toBe(403);
  });

  it('updates, disables and re-enables a channel; removes its secret', async () => {
    const created = await call('post', '/v1/notification-channels', admin, { name: n('edit'), kind: 'webhook', url: 'https://a.example.com/x', secret: SIGNING_SECRET });
    const id = created.body.id as string;
    const off = await call('patch', `/v1/notification-channels/${id}`, admin, { enabled: false, url: 'http://127.0.0.1:9/hook', secret: null, environments: ['prod'] });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, urlOrigin: 'http://127.0.0.1:9', hasSecret: false, environments: ['prod'] });
    expect(off.body.disabledReason).toMatch(/^disabled by /);
    await prisma.notificationChannel.update({ where: { id }, data: { consecutiveFailures: 5 } });
    const on = await call('patch', `/v1/notification-channels/${id}`, admin, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
    expect((await call('patch', `/v1/notification-channels/${id}`, admin, { url: 'gopher://x' })).status).toBe(422);
    expect((await call('get', `/v1/notification-channels/${randomUUID()}`, admin)).status).toBe(404);
    expect((await call('get', '/v1/notification-channels/not-a-uuid', admin)).status).toBe(404);
  });

  it('lists deliveries with status, attempts, last error and latency, and redelivers a finished one once', async () => {
    const created = await call('post', '/v1/notification-channels', admin, { name: n('log'), kind: 'webhook', url: 'https://a.example.com/x' });
    const id = created.body.id as string;
    const delivery = await prisma.notificationDelivery.create({
      data: { channelId: id, eventId: 'evt-1', eventType: 'failed', payload: { id: 'evt-1' }, status: 'failed', attempts: 6, lastError: 'receiver answered 500', lastStatusCode: 500, latencyMs: 12 },
    });
    const log = await call('get', `/v1/notification-channels/${id}/deliveries`, admin);
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({ id: delivery.id, eventId: 'evt-1', eventType: 'failed', status: 'failed', attempts: 6, lastError: 'receiver answered 500', lastStatusCode: 500, latencyMs: 12 }),
    ]);
    const again = await call('post', `/v1/notification-channels/${id}/deliveries/${delivery.id}/redeliver`, admin);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: delivery.id, status: 'pending', attempts: 6 });
    const queue = api.app.get(NotificationQueue, { strict: false });
    expect(await queue.hasJob(delivery.id)).toBe(true);
    await queue.queue.remove(`delivery-${delivery.id}`);
    expect((await call('post', `/v1/notification-channels/${id}/deliveries/${delivery.id}/redeliver`, admin)).status).toBe(409);
    expect((await call('post', `/v1/notification-channels/${id}/deliveries/${randomUUID()}/redeliver`, admin)).status).toBe(404);
    expect(await prisma.auditEntry.count({ where: { action: 'notification-channel.redeliver', resourceId: n('log') } })).toBe(1);

    expect((await call('delete', `/v1/notification-channels/${id}`, admin)).status).toBe(204);
    expect(await prisma.notificationDelivery.count({ where: { channelId: id } })).toBe(0);
    expect((await call('delete', `/v1/notification-channels/${id}`, admin)).status).toBe(404);
  });

  it('GraphQL creates and lists through the same service, audited as graphql', async () => {
    const gql = (query: string, variables: object) =>
      request(api.server).post('/graphql').set('authorization', `Bearer ${admin}`).send({ query, variables });
    const created = await gql(
      'mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id name kind urlOrigin hasSecret events } }',
      { input: { name: n('gql'), kind: 'slack', url: `https://hooks.slack.com/services/${URL_SECRET_PART}`, events: ['awaiting-promotion'] } },
    );
    texts.push(created.text);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createNotificationChannel).toMatchObject({ name: n('gql'), kind: 'slack', urlOrigin: 'https://hooks.slack.com', hasSecret: false, events: ['awaiting-promotion'] });
    const bad = await gql('mutation($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { id } }', { input: { name: n('gql2'), kind: 'webhook', url: 'ftp://x' } });
    expect(bad.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    const listed = await gql('query { notificationChannels(limit: 500) { items { name } } }', {});
    expect(listed.body.data.notificationChannels.items.map((c: { name: string }) => c.name)).toContain(n('gql'));
    expect(await prisma.auditEntry.count({ where: { action: 'notification-channel.create', resourceId: n('gql'), interface: 'graphql' } })).toBe(1);
  });
});
