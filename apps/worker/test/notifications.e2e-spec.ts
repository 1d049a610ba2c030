// Notifications end to end: a real rollout in the simulator, the worker's dispatcher following the committed event
// feed, and deliveries to receivers on 127.0.0.1 — healthy, flaky, broken, silent and Slack-shaped.
import * as nodeCrypto from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelSecretAad, channelUrlAad, secretBoxFromEnv } from '@cutover/persistence';
import { blockKitProblems } from '@cutover/testing';
import { deploy, releaseSpec, seedApp, seedRelease, startStack, startWorker, FAST, until, waitPhase, type Stack } from './worker-harness';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** The verification snippet exactly as docs/notifications.md shows it. */
function documentedVerifier(): (secret: string, header: string, rawBody: string, nowMs?: number) => boolean {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/notifications.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Verifying a delivery'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('docs/notifications.md has no js recipe under "Verifying a delivery"');
  // Running the documented code as it is written is the point of this test.
  const factory = new Function('require', `${code}\nreturn verifyCutoverSignature;`) as (req: (id: string) => unknown) => ReturnType<typeof documentedVerifier>;
  return factory((id: string) => {
    if (id !== 'node:crypto') throw new Error(`the recipe may only need node:crypto, not ${id}`);
    return nodeCrypto;
  });
}

describe('notifications: webhook and Slack delivery from a real rollout', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let receiver: Server;
  let base: string;
  const received: Received[] = [];
  const attemptsByDelivery = new Map<string, number>();
  const hanging: ServerResponse[] = [];
  const secret = `whsec-${randomUUID()}`;
  const app = `ntf${randomUUID().slice(0, 6)}`;
  const box = secretBoxFromEnv();
  const channel: Record<string, string> = {};

  async function addChannel(name: string, kind: 'webhook' | 'slack', route: string, filters: Record<string, unknown>, withSecret = false): Promise<string> {
    const id = randomUUID();
    const url = `${base}${route}`;
    // Written the way the api writes it: URL and secret sealed to the row.
    await stack.prisma.notificationChannel.create({
      data: {
        id,
        name: `${app}-${name}`,
        kind,
        url: new Uint8Array(box.seal(url, channelUrlAad(id))),
        urlOrigin: base,
        secret: withSecret ? new Uint8Array(box.seal(secret, channelSecretAad(id))) : null,
        filters: { apps: [app], ...filters } as object,
        createdBy: 'test',
        createdAt: new Date(Date.now() - 1_000),
      },
    });
    channel[name] = id;
    return id;
  }

  /** What the healthy channel got about the deployment (it also hears channel.disabled: it has no event filter). */
  const okDeployment = () => received.filter((r) => r.path === '/ok' && r.headers['cutover-event'] !== 'channel.disabled');
  const deliveriesOf = (name: string) => stack.prisma.notificationDelivery.findMany({ where: { channelId: channel[name] }, orderBy: { createdAt: 'asc' } });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const route = req.url ?? '/';
        received.push({ path: route, headers: req.headers, body, at: Date.now() });
        const delivery = String(req.headers['cutover-delivery']);
        const n = (attemptsByDelivery.get(delivery) ?? 0) + 1;
        attemptsByDelivery.set(delivery, n);
        if (route === '/hang') return void hanging.push(res);
        if (route === '/broken') return void res.writeHead(500).end('down');
        if (route === '/flaky' && n <= 3) return void res.writeHead(500).end('not yet');
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    stack = await startStack('notify');
    // Short back-off so retries fit a test; a long timeout so the silent receiver is still "in flight" when the
    // rollout ends, which is what shows it held nothing up.
    Object.assign(stack.env, {
      CUTOVER_NOTIFY_ATTEMPTS: '4',
      CUTOVER_NOTIFY_BACKOFF_MS: '40',
      CUTOVER_NOTIFY_TIMEOUT_MS: '30000',
      CUTOVER_NOTIFY_DISABLE_AFTER: '2',
      CUTOVER_PUBLIC_URL: 'https://cutover.example.com/',
    });
    await addChannel('ok', 'webhook', '/ok', {}, true);
    await addChannel('flaky', 'webhook', '/flaky', { events: ['started'] }, true);
    await addChannel('broken', 'webhook', '/broken', { events: ['started', 'succeeded'] });
    await addChannel('hang', 'webhook', '/hang', {});
    await addChannel('watcher', 'webhook', '/watcher', { events: ['channel.disabled'] });
    await addChannel('slack', 'slack', '/slack', { events: ['started', 'succeeded'] });
    await addChannel('other-app', 'webhook', '/other', { apps: ['not-this-app'] });
    worker = await startWorker(stack, { ...FAST, notificationPollMs: 500 });
  }, 120_000);

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await worker?.close();
    await stack?.stop();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  });

  it('a rollout ends and the healthy channel hears of it while a silent receiver still holds its requests', async () => {
    const strategy = { type: 'Recreate' };
    const s = await seedApp(stack, app, { replicas: 2, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec(`example/${app}:1.0.0`));
    const id = await deploy(stack, s, '1.0.0', strategy, null);
    await waitPhase(stack, id, ['Succeeded'], 30_000);

    const ok = await until('the healthy receiver to get started and succeeded', () => {
      const got = okDeployment();
      return got.some((r) => r.headers['cutover-event'] === 'succeeded') ? got : undefined;
    }, 30_000);
    expect(ok.map((r) => r.headers['cutover-event'])).toEqual(['started', 'succeeded']);
    // The silent receiver got its requests and has answered none of them (30 s timeout): the rollout and the other
    // channels went on regardless.
    const silent = await deliveriesOf('hang');
    expect(silent.map((d) => d.status)).toEqual(['pending', 'pending']);
    expect(received.filter((r) => r.path === '/hang').length).toBeGreaterThan(0);
    // Another app's channel heard nothing.
    expect(received.filter((r) => r.path === '/other')).toEqual([]);
  });

  it('signs every delivery so that the documented recipe verifies it, and refuses tampering and old timestamps', async () => {
    const verify = documentedVerifier();
    const ok = okDeployment();
    expect(ok).toHaveLength(2);
    for (const r of ok) {
      const header = String(r.headers['cutover-signature']);
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verify(secret, header, r.body)).toBe(true);
      expect(verify(secret, header, r.body.replace('"succeeded"', '"failed"').replace('"started"', '"failed"'))).toBe(false);
      expect(verify('another-secret-entirely', header, r.body)).toBe(false);
      expect(verify(secret, header, r.body, r.at + 6 * 60_000)).toBe(false);
      expect(verify(secret, header, r.body, r.at + 4 * 60_000)).toBe(true);
      const body = JSON.parse(r.body) as Record<string, any>;
      expect(body.id).toMatch(/^evt-\d+$/);
      expect(body.type).toBe(r.headers['cutover-event']);
      expect(body.deployment).toMatchObject({ app, environment: 'prod', release: '1.0.0', previousRelease: null, strategy: 'Recreate', kind: 'deploy' });
      expect(body.deployment.url).toBe(`https://cutover.example.com/ui/deployments/${body.deployment.id}`);
      expect(r.headers['cutover-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Unsigned channels send no signature header.
    expect(received.find((r) => r.path === '/broken')?.headers['cutover-signature']).toBeUndefined();
  });

  it('a receiver that answers 500 three times gets the event on the fourth try, same delivery and body each time', async () => {
    const [delivery] = await until('the flaky delivery to be delivered', async () => {
      const rows = await deliveriesOf('flaky');
      return rows.length === 1 && rows[0]!.status === 'delivered' ? rows : undefined;
    }, 30_000);
    expect(delivery).toMatchObject({ attempts: 4, lastStatusCode: 204, lastError: null, eventType: 'started' });
    expect(delivery!.latencyMs).toBeGreaterThanOrEqual(0);
    const tries = received.filter((r) => r.path === '/flaky');
    expect(tries).toHaveLength(4);
    expect(new Set(tries.map((t) => t.headers['cutover-delivery']))).toEqual(new Set([delivery!.id]));
    expect(new Set(tries.map((t) => t.body)).size).toBe(1);
    // Backed off between attempts: never two in the same instant.
    for (let i = 1; i < tries.length; i += 1) expect(tries[i]!.at).toBeGreaterThan(tries[i - 1]!.at);
  });

  it('after two deliveries in a row run out of attempts the channel is disabled, audited and announced', async () => {
    const row = await until('the broken channel to be disabled', async () => {
      const c = await stack.prisma.notificationChannel.findUniqueOrThrow({ where: { id: channel.broken } });
      return c.enabled ? undefined : c;
    }, 30_000);
    expect(row.disabledReason).toMatch(/2 deliveries in a row failed; the last: receiver answered 500/);
    expect(row.consecutiveFailures).toBe(2);
    const failed = await deliveriesOf('broken');
    expect(failed.map((d) => [d.status, d.attempts, d.lastStatusCode])).toEqual([
      ['failed', 4, 500],
      ['failed', 4, 500],
    ]);
    const audit = await stack.prisma.auditEntry.findFirst({ where: { action: 'notification-channel.disable', resourceId: `${app}-broken` } });
    expect(audit).toMatchObject({ actorName: 'system', interface: 'system', outcome: 'success' });
    const notice = await until('the watcher to hear of it', () => received.find((r) => r.path === '/watcher'));
    expect(notice.headers['cutover-event']).toBe('channel.disabled');
    expect(JSON.parse(notice.body)).toMatchObject({ type: 'channel.disabled', deployment: null, channel: { id: channel.broken, name: `${app}-broken` } });
  });

  it('a Slack channel gets one valid Block Kit message per event', async () => {
    const slack = await until('two Slack messages', () => {
      const got = received.filter((r) => r.path === '/slack');
      return got.length === 2 ? got : undefined;
    }, 30_000);
    for (const r of slack) {
      const message = JSON.parse(r.body) as { text: string; blocks: unknown[] };
      expect(blockKitProblems(message)).toEqual([]);
      expect(r.body).toContain(app);
      expect(r.body).toContain('Recreate');
    }
    expect(slack.map((r) => r.headers['cutover-event'])).toEqual(['started', 'succeeded']);
  });

  it('never delivers an event twice to a channel, whoever reads the feed again', async () => {
    const dispatcherRows = await stack.prisma.notificationDelivery.groupBy({ by: ['channelId', 'eventId'], where: { channelId: { in: Object.values(channel) } }, _count: true });
    expect(dispatcherRows.every((r) => r._count === 1)).toBe(true);
    // Rewind the dispatcher's cursor to the start: it reads everything again and creates nothing new.
    const before = await stack.prisma.notificationDelivery.count({ where: { channelId: { in: Object.values(channel) } } });
    await stack.prisma.notificationCursor.updateMany({ data: { position: 0n } });
    const { NotificationDispatcher } = await import('../src/notifications/notification-dispatcher.service');
    const dispatcher = worker.get(NotificationDispatcher);
    for (;;) {
      const r = await dispatcher.dispatchOnce();
      if (r.complete && !r.busy) break;
    }
    expect(await stack.prisma.notificationDelivery.count({ where: { channelId: { in: Object.values(channel) } } })).toBe(before);
    expect(okDeployment()).toHaveLength(2);
  });
});
