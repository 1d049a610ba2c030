// The live-event routes on the real api (Postgres, Redis), without a worker: the api's own events (Created,
// Superseded) are enough to see streaming, resume, the end of a deployment's stream, tickets, refusals, and
// GraphQL subscriptions over graphql-ws.
import { createClient, type Client } from 'graphql-ws';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type PrismaClient } from '@cutover/persistence';
import { connectSse, createTestPrisma } from '@cutover/testing';
import { FailedAuthentications } from '../../common/auth/failed-auth.service';
import { startTestApi, type TestApi } from '../../../test/test-api';
import { as, seedApp } from '../../../test/deployments.testing';

describe('live events: SSE routes, stream tickets, GraphQL subscriptions', () => {
  let api: TestApi;
  let db: PrismaClient;
  let admin: string;
  let viewer: string;

  const deploy = (env: string, release: string, supersede = false) =>
    request(api.server).post('/v1/deployments').set(as(admin)).send({ app: 'ev', environment: env, release, supersede }).expect(202);

  beforeAll(async () => {
    api = await startTestApi();
    db = createTestPrisma();
    admin = await api.token('admin');
    viewer = await api.token('viewer');
    await seedApp(api, db, admin, 'ev', ['sse', 'resume', 'ticket', 'gql', 'feed']);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.close();
  });

  it("replays a deployment's timeline, follows it live, and ends with the event that ended it", async () => {
    const first = await deploy('sse', '1.0.0');
    const stream = await connectSse(`${api.url}/v1/deployments/${first.body.id}/events`, as(viewer));
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toContain('no-cache');
    const [created] = await stream.waitFor(1);
    expect(created!.event).toBe('Created');
    expect(JSON.parse(created!.data)).toMatchObject({
      position: created!.id,
      deploymentId: first.body.id,
      app: 'ev',
      environment: 'sse',
      release: '1.0.0',
      type: 'Created',
      phase: 'Pending',
      step: null,
      sides: [],
      weight: null,
      actor: expect.stringMatching(/^test-admin/),
    });
    // Superseding it writes its terminal event: the stream sends it and ends.
    await deploy('sse', '1.0.1', true);
    await stream.ended;
    expect(stream.frames.map((f) => f.event)).toEqual(['Created', 'Superseded']);
    expect(JSON.parse(stream.frames[1]!.data)).toMatchObject({ phase: 'Superseded' });
    expect(BigInt(stream.frames[1]!.id!)).toBeGreaterThan(BigInt(created!.id!));
  });

  it('resumes after Last-Event-ID (or ?after=) with nothing repeated; past the end of an ended deployment it ends at once', async () => {
    const first = await deploy('resume', '1.0.0');
    await deploy('resume', '1.0.1', true);
    const url = `${api.url}/v1/deployments/${first.body.id}/events`;
    const all = await connectSse(url, as(viewer));
    await all.ended;
    expect(all.frames.map((f) => f.event)).toEqual(['Created', 'Superseded']);
    const resumed = await connectSse(url, { ...as(viewer), 'last-event-id': all.frames[0]!.id! });
    await resumed.ended;
    expect(resumed.frames.map((f) => f.id)).toEqual([all.frames[1]!.id]);
    // The header wins over ?after= (a browser reconnects to the same URL with the header).
    const both = await connectSse(`${url}?after=0`, { ...as(viewer), 'last-event-id': all.frames[0]!.id! });
    await both.ended;
    expect(both.frames.map((f) => f.event)).toEqual(['Superseded']);
    const past = await connectSse(`${url}?after=${all.frames[1]!.id}`, as(viewer));
    await past.ended;
    expect(past.frames).toEqual([]);
  });

  it('streams every deployment matching the filters on /v1/events, new events only unless resumed', async () => {
    const feed = await connectSse(`${api.url}/v1/events?app=ev&environment=feed&types=Created`, as(viewer));
    const other = await connectSse(`${api.url}/v1/events?environment=sse,resume`, as(viewer));
    const d = await deploy('feed', '1.0.0');
    const [frame] = await feed.waitFor(1);
    expect(JSON.parse(frame!.data)).toMatchObject({ deploymentId: d.body.id, type: 'Created', environment: 'feed' });
    const replay = await connectSse(`${api.url}/v1/events?app=ev&environment=feed&after=0`, as(viewer));
    await replay.waitFor(1);
    expect(replay.frames[0]!.id).toBe(frame!.id);
    // Nothing of the feed environment reached a client that asked for others.
    await deploy('feed', '1.0.1', true);
    await feed.waitFor(2);
    expect(other.frames.filter((f) => JSON.parse(f.data).environment === 'feed')).toEqual([]);
    for (const c of [feed, other, replay]) c.close();
  });

  it('refuses bad input with problem+json naming the field, unknown deployments with 404, and anonymous callers with 401', async () => {
    const d = await db.deployment.findFirstOrThrow({ where: { environment: { name: 'sse' } } });
    const badAfter = await request(api.server).get(`/v1/deployments/${d.id}/events?after=abc`).set(as(viewer)).expect(422);
    expect(badAfter.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(badAfter.body.errors).toEqual([expect.objectContaining({ path: 'after' })]);
    const badHeader = await request(api.server).get(`/v1/deployments/${d.id}/events`).set(as(viewer)).set('last-event-id', '12x').expect(400);
    expect(badHeader.body.errors).toEqual([expect.objectContaining({ path: 'Last-Event-ID' })]);
    const badTypes = await request(api.server).get('/v1/events?types=Created,%00bad').set(as(viewer)).expect(422);
    expect(JSON.stringify(badTypes.body.errors)).toContain('types');
    const badApp = await request(api.server).get('/v1/events?app=Not_A_Label').set(as(viewer)).expect(422);
    expect(badApp.body.errors).toEqual([expect.objectContaining({ path: 'app[0]' })]);
    await request(api.server).get('/v1/deployments/00000000-0000-4000-8000-000000000000/events').set(as(viewer)).expect(404);
    await request(api.server).get(`/v1/deployments/${d.id}/events`).expect(401);
    await request(api.server).get('/v1/events').set('authorization', 'Bearer cut_nope').expect(401);
  });

  it('a stream ticket works once, for 60 s, on event streams only, and never puts the token in the URL', async () => {
    const issued = await request(api.server).post('/v1/stream-tickets').set(as(viewer)).send({}).expect(201);
    expect(issued.body.ticket).toMatch(/^cst_/);
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    expect(issued.body.ticket).not.toContain(viewer);
    const d = await deploy('ticket', '1.0.0');
    const url = `${api.url}/v1/deployments/${d.body.id}/events?ticket=${encodeURIComponent(issued.body.ticket)}`;
    const stream = await connectSse(url);
    expect(stream.status).toBe(200);
    await stream.waitFor(1);
    stream.close();
    // Single use.
    const again = await connectSse(url);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.body()).detail).toMatch(/used already|older than 60 s/);
    // Not a bearer token for anything else.
    const other = await request(api.server).post('/v1/stream-tickets').set(as(viewer)).send({}).expect(201);
    await request(api.server).get(`/v1/apps?ticket=${encodeURIComponent(other.body.ticket)}`).expect(401);
    await request(api.server).post('/v1/stream-tickets').send({}).expect(401);
    expect(await db.auditEntry.count({ where: { action: 'stream-ticket.create', outcome: 'success' } })).toBeGreaterThanOrEqual(2);
    // The log line of the stream request does not carry the ticket.
    expect(api.logs.join('\n')).not.toContain(issued.body.ticket);
  });

  describe('GraphQL subscriptions over graphql-ws', () => {
    const wsUrl = () => api.url.replace(/^http/, 'ws') + '/graphql';
    const clients: Client[] = [];
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
    });
    const client = (authorization?: string) => {
      const c = createClient({ url: wsUrl(), webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: authorization ? { authorization } : {} });
      clients.push(c);
      return c;
    };
    const collect = (c: Client, query: string, variables: Record<string, unknown>) =>
      new Promise<{ events: Array<Record<string, unknown>>; error?: unknown }>((resolve) => {
        const events: Array<Record<string, unknown>> = [];
        c.subscribe<Record<string, Record<string, unknown>>>(
          { query, variables },
          {
            next: (r) => {
              if (r.data) events.push(Object.values(r.data)[0]!);
              if (r.errors) resolve({ events, error: r.errors });
            },
            error: (error) => resolve({ events, error }),
            complete: () => resolve({ events }),
          },
        );
      });

    it("deploymentUpdated replays after a position and completes when the deployment ends; deploymentEvents follows an environment", async () => {
      const d = await deploy('gql', '1.0.0');
      const c = client(`Bearer ${viewer}`);
      const updated = collect(c, 'subscription($id: String!, $after: String) { deploymentUpdated(id: $id, after: $after) { position type phase deploymentId app environment sides { side ready } weight step { index } } }', { id: d.body.id, after: '0' });
      const feed = collect(c, 'subscription($after: String) { deploymentEvents(app: "ev", environment: "gql", after: $after) { position type deploymentId } }', { after: '0' });
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      await deploy('gql', '1.0.1', true);
      const result = await updated;
      expect(result.error).toBeUndefined();
      expect(result.events.map((e) => e.type)).toEqual(['Created', 'Superseded']);
      expect(result.events[1]).toMatchObject({ phase: 'Superseded', deploymentId: d.body.id, app: 'ev', environment: 'gql', sides: [] });
      // The environment feed keeps going: it saw both deployments' Created and the Superseded, in position order.
      const truth = await db.deploymentEvent.findMany({ where: { deployment: { environment: { name: 'gql' } } }, orderBy: { position: 'asc' } });
      await c.dispose();
      const fed = await feed;
      expect(fed.events.map((e) => e.position)).toEqual(truth.map((e) => e.position.toString()).slice(0, fed.events.length));
      expect(fed.events.length).toBeGreaterThanOrEqual(2);
    });

    it('refuses a connection without a valid token in connection_init (4403), audited', async () => {
      const result = await collect(client('Bearer cut_invalid'), 'subscription { deploymentEvents(app: "ev", environment: "gql") { position } }', {});
      expect(String((result.error as { code?: number }).code ?? result.error)).toContain('4403');
      const none = await collect(client(), 'subscription { deploymentEvents(app: "ev", environment: "gql") { position } }', {});
      expect(String((none.error as { code?: number }).code ?? none.error)).toContain('4403');
      // Failed authentications are audited per address and window: the first at once, the rest as one counted row
      // (docs/security.md); flush the window to see both refusals accounted for.
      await api.app.get(FailedAuthentications).flushEnded(true);
      const direct = await db.auditEntry.count({ where: { action: 'graphql subscription connect', outcome: 'denied' } });
      const counted = await db.auditEntry.findMany({ where: { action: 'auth.refused', outcome: 'denied' } });
      const aggregated = counted.reduce((sum, row) => sum + Number(/^(\d+) more/.exec(row.reason ?? '')?.[1] ?? 0), 0);
      expect(direct + aggregated).toBeGreaterThanOrEqual(2);
    });

    it('refuses bad arguments with the field named', async () => {
      const result = await collect(client(`Bearer ${viewer}`), 'subscription { deploymentEvents(app: "Bad_App", environment: "gql", after: "x") { position } }', {});
      expect(JSON.stringify(result.error)).toMatch(/"path":"(app|after)"/);
      expect((result.error as Array<{ extensions: { code: string } }>)[0]!.extensions.code).toBe('VALIDATION_FAILED');
      expect(result.events).toEqual([]);
    });
  });
});
