// `npm run bench:events`: the live-event feed and notifications under load, on real processes (the api, the worker
// and the simulator from dist/, as `npm run start:*` runs them; the shared Postgres with a database of its own and
// the shared Redis under a prefix of its own).
//   - BENCH_ROLLOUTS (200) canary rollouts at once (3 weight steps, pods ready at once);
//   - BENCH_SSE (500) SSE clients on one api: BENCH_SSE_ALL (50) on the whole feed (`/v1/events`, a dashboard's
//     overview) and the rest on one app each (`/v1/events?app=`, a person watching a rollout), spread over the apps;
//   - BENCH_GQL (50) graphql-ws subscribers (`deploymentEvents(app, environment)`), one app each;
//   - one webhook channel to a receiver on 127.0.0.1 (every event type).
// Reports the delay from an event's write (its `at`: the tick's transaction time, a little before the commit) to
// each client, p50/p99/max; the api's RSS before and after the connections (MB per 100); webhook deliveries per
// second for the first BENCH_WEBHOOKS (1,000) events; and checks nothing was lost or doubled: every client got
// exactly the events the database holds for what it watched, in position order, and the receiver got every
// notification once. Appends to BENCHMARKS.md (BENCH_NO_RECORD=1 leaves it alone); exit 1 when a check fails.
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { connectSse, type SseClient } from '../libs/testing/src/sse-client';
import { ChaosClient, releaseBody } from '../test/chaos/chaos-client';
import { build, log, productEnv, root, startApi, startSim, startWorker, stopStarted, until } from '../test/chaos/chaos-stack';
import { waitEnded } from '../test/chaos/crash-repro';

const ROLLOUTS = Number(process.env.BENCH_ROLLOUTS ?? 200);
const SSE = Number(process.env.BENCH_SSE ?? 500);
const SSE_ALL = Math.min(SSE, Number(process.env.BENCH_SSE_ALL ?? 50));
const GQL = Number(process.env.BENCH_GQL ?? 50);
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 1_000);
const CANARY = { type: 'Canary', steps: [{ setWeight: 25 }, { setWeight: 50 }, { setWeight: 75 }] };

const pct = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

interface Received {
  /** Who watched what: null = the whole feed. */
  app: string | null;
  positions: string[];
  delays: number[];
}

async function main(): Promise<void> {
  const failures: string[] = [];
  const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cutover');
  server.pathname = `/cutover_bench_events_${randomBytes(3).toString('hex')}`;
  const databaseUrl = server.toString();
  const { migrate, dropDatabase } = (await import(path.join(root, 'scripts/migrate-lib.mjs'))) as {
    migrate: (o: { databaseUrl: string; createDatabase: boolean }) => Promise<void>;
    dropDatabase: (url: string) => Promise<void>;
  };
  const sse: SseClient[] = [];
  const gql: Client[] = [];
  let receiver: http.Server | null = null;
  const db = new PgClient({ connectionString: databaseUrl });
  let dbOpen = false;
  try {
    if (!process.env.BENCH_NO_BUILD) {
      log('building dist/ (npm run build)');
      build();
    }
    await migrate({ databaseUrl, createDatabase: true });
    await db.connect();
    dbOpen = true;
    const env = productEnv(databaseUrl, process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const sim = await startSim({ timeScale: 1, nodes: Math.max(6, Math.ceil((ROLLOUTS * 6) / 100)) });
    const api = await startApi(env, 'api');
    await startWorker(env, 'worker', { concurrency: 64, reconcileIntervalMs: 30_000 });
    const client = new ChaosClient(() => [api.url], env.bootstrapToken);
    await client.ok('POST', '/v1/clusters', { name: 'sim', kubeconfig: sim.kubeconfig });

    // The webhook receiver: each delivery's event id and when it arrived.
    const delivered = new Map<string, number>();
    const deliveredAt: number[] = [];
    const deliveryLag: number[] = [];
    let doubledDeliveries = 0;
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const event = JSON.parse(body) as { id: unknown; occurredAt?: string };
        const id = String(event.id);
        if (event.occurredAt) deliveryLag.push(Date.now() - Date.parse(event.occurredAt));
        if (delivered.has(id)) doubledDeliveries += 1;
        delivered.set(id, (delivered.get(id) ?? 0) + 1);
        deliveredAt.push(performance.now());
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

    log(`seeding ${ROLLOUTS} apps`);
    const apps = Array.from({ length: ROLLOUTS }, (_, i) => `ev${i}`);
    for (let i = 0; i < apps.length; i += 10) {
      await Promise.all(
        apps.slice(i, i + 10).map(async (name) => {
          await client.ok('POST', '/v1/apps', { name });
          await client.ok('POST', `/v1/apps/${name}/environments`, { name: 'prod', cluster: 'sim', namespace: 'bench', replicas: 2, strategy: CANARY, service: { port: 80, targetPort: 8080 } });
          const annotations = { 'sim.cutover.dev/ready-after': '0s' };
          await client.ok('POST', `/v1/apps/${name}/releases`, releaseBody('1.0.0', `example/${name}:1.0.0`, annotations));
          await client.ok('POST', `/v1/apps/${name}/releases`, releaseBody('2.0.0', `example/${name}:2.0.0`, annotations));
        }),
      );
    }
    const first = await Promise.all(apps.map((app) => client.ok('POST', '/v1/deployments', { app, environment: 'prod', release: '1.0.0' })));
    await waitEnded(client, first.map((d) => d.id as string), 300_000);
    // Everything so far has settled: the clients start after the newest position.
    const after = String((await db.query<{ max: string | null }>('SELECT max(position)::text AS max FROM "DeploymentEvent"')).rows[0]!.max ?? '0');
    await client.ok('POST', '/v1/notification-channels', { name: 'bench', kind: 'webhook', url: receiverUrl, secret: randomBytes(16).toString('hex') });

    const rssBefore = rssMb(api.proc.child.pid!);
    const received: Received[] = [];
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    log(`connecting ${SSE} SSE clients (${SSE_ALL} on the whole feed) and ${GQL} GraphQL subscribers`);
    for (let i = 0; i < SSE; i++) {
      const app = i < SSE_ALL ? null : apps[(i - SSE_ALL) % apps.length]!;
      const r: Received = { app, positions: [], delays: [] };
      received.push(r);
      const c = await connectSse(`${api.url}/v1/events?after=${after}${app ? `&app=${app}` : ''}`, { authorization: `Bearer ${env.bootstrapToken}` }, agent);
      if (c.status !== 200) throw new Error(`SSE client ${i}: ${c.status} ${c.body()}`);
      c.onFrame = (frame) => {
        r.positions.push(frame.id ?? '');
        r.delays.push(performance.timeOrigin + frame.receivedAt - Date.parse((JSON.parse(frame.data) as { at: string }).at));
      };
      sse.push(c);
    }
    const gqlReady: Array<Promise<void>> = [];
    for (let i = 0; i < GQL; i++) {
      const app = apps[i % apps.length]!;
      const r: Received = { app, positions: [], delays: [] };
      received.push(r);
      const c = createClient({ url: `${api.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${env.bootstrapToken}` } });
      gql.push(c);
      gqlReady.push(
        new Promise<void>((resolve, reject) => {
          c.on('connected', () => resolve());
          c.on('error', reject);
          c.subscribe<{ deploymentEvents: { position: string; at: string } }>(
            { query: 'subscription($app: String!, $after: String) { deploymentEvents(app: $app, environment: "prod", after: $after) { position at type } }', variables: { app, after } },
            {
              next: (m) => {
                const e = m.data?.deploymentEvents;
                if (!e) return;
                r.positions.push(e.position);
                r.delays.push(Date.now() - Date.parse(e.at));
              },
              error: (e) => failures.push(`GraphQL subscriber ${i}: ${JSON.stringify(e).slice(0, 200)}`),
              complete: () => undefined,
            },
          );
        }),
      );
    }
    await Promise.all(gqlReady);
    const rssConnected = rssMb(api.proc.child.pid!);
    const connections = SSE + GQL;

    log(`starting ${ROLLOUTS} canary rollouts`);
    const started = performance.now();
    const second = await Promise.all(apps.map((app) => client.ok('POST', '/v1/deployments', { app, environment: 'prod', release: '2.0.0' })));
    // Watched in the database, not through the api: polling 200 deployments would load the api being measured.
    const ids = second.map((d) => d.id as string);
    const ended = ['Succeeded', 'Failed', 'RolledBack', 'Aborted', 'Superseded'];
    await until('the rollouts to end', async () => {
      const { rows: n } = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM "Deployment" WHERE id = ANY($1::uuid[]) AND phase = ANY($2::text[])', [ids, ended]);
      return Number(n[0]!.n) === ids.length ? true : undefined;
    }, 600_000, 250);
    const wallSeconds = (performance.now() - started) / 1000;
    const { rows: bad } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Deployment" WHERE id = ANY($1::uuid[]) AND phase <> 'Succeeded'`, [ids]);
    const notSucceeded = Number(bad[0]!.n);
    if (notSucceeded > 0) failures.push(`${notSucceeded} rollouts did not succeed`);

    // The truth: every event after `after`, per app, in position order.
    const rows = (await db.query<{ position: string; app: string }>(
      'SELECT e.position::text AS position, a.name AS app FROM "DeploymentEvent" e JOIN "Deployment" d ON d.id = e."deploymentId" JOIN "Environment" v ON v.id = d."environmentId" JOIN "Application" a ON a.id = v."applicationId" WHERE e.position > $1::bigint ORDER BY e.position',
      [after],
    )).rows;
    const byApp = new Map<string, string[]>();
    for (const r of rows) byApp.set(r.app, [...(byApp.get(r.app) ?? []), r.position]);
    const expected = (r: Received) => (r.app ? (byApp.get(r.app) ?? []) : rows.map((x) => x.position));
    // Clients may still be reading the last frames: wait (bounded) until each has as many as the table holds.
    await until('every client to hold every event', () => (received.every((r) => r.positions.length >= expected(r).length) ? true : undefined), 60_000, 200).catch(() => undefined);
    let lost = 0;
    let doubled = 0;
    let misordered = 0;
    for (const r of received) {
      const want = expected(r);
      const got = new Set(r.positions);
      doubled += r.positions.length - got.size;
      lost += want.filter((p) => !got.has(p)).length;
      for (let i = 1; i < r.positions.length; i++) if (BigInt(r.positions[i]!) <= BigInt(r.positions[i - 1]!)) misordered += 1;
    }
    if (lost || doubled || misordered) failures.push(`feed: ${lost} lost, ${doubled} doubled, ${misordered} out of order`);
    const sseDelays = received.slice(0, SSE).flatMap((r) => r.delays);
    const gqlDelays = received.slice(SSE).flatMap((r) => r.delays);
    const framesSent = received.reduce((n, r) => n + r.positions.length, 0);

    // Notifications: every delivery the worker recorded reached the receiver once.
    const lastPosition = rows.length ? rows[rows.length - 1]!.position : after;
    const deliveriesRow = await until('every notification to be delivered', async () => {
      // The dispatcher has turned every event into deliveries once its cursor passed the last one.
      const { rows: cursor } = await db.query<{ ok: boolean }>('SELECT bool_and(position >= $1::bigint) AS ok FROM "NotificationCursor"', [lastPosition]);
      if (!cursor[0]?.ok) return undefined;
      const { rows: d } = await db.query<{ total: string; pending: string }>(`SELECT count(*)::text AS total, count(*) FILTER (WHERE status <> 'delivered')::text AS pending FROM "NotificationDelivery"`);
      return Number(d[0]!.pending) === 0 && delivered.size >= Number(d[0]!.total) ? d[0]! : undefined;
    }, 120_000, 250).catch(() => null);
    const deliveries = deliveriesRow ? Number(deliveriesRow.total) : NaN;
    if (!deliveriesRow) failures.push(`webhooks: ${delivered.size} distinct events received, deliveries still pending after 120 s`);
    if (doubledDeliveries) failures.push(`webhooks: ${doubledDeliveries} events delivered twice`);
    // Where a notification's time went: event → delivery row (the dispatcher), row → delivered (queue and attempt).
    const { rows: stages } = await db.query<{ dispatch: number[]; deliver: number[] }>(
      `SELECT array_agg(extract(epoch FROM ("createdAt" - (payload->>'occurredAt')::timestamptz)) * 1000) AS dispatch,
              array_agg(extract(epoch FROM ("deliveredAt" - "createdAt")) * 1000) AS deliver
         FROM "NotificationDelivery" WHERE status = 'delivered'`,
    );
    const dispatchMs = (stages[0]?.dispatch ?? []).map(Number);
    const deliverMs = (stages[0]?.deliver ?? []).map(Number);
    const window = deliveredAt.slice(0, WEBHOOKS);
    const webhookPerSecond = window.length > 1 ? (window.length - 1) / ((window[window.length - 1]! - window[0]!) / 1000) : NaN;
    if (window.length < WEBHOOKS) log(`only ${window.length} webhook events (fewer than ${WEBHOOKS}): raise BENCH_ROLLOUTS`);

    const result = {
      bench: 'events',
      at: new Date().toISOString(),
      rollouts: ROLLOUTS,
      sseClients: SSE,
      sseWholeFeed: SSE_ALL,
      graphqlSubscribers: GQL,
      eventsWritten: rows.length,
      framesReceived: framesSent,
      wallSeconds: round(wallSeconds, 2),
      sseDelayMsP50: round(pct(sseDelays, 50)),
      sseDelayMsP99: round(pct(sseDelays, 99)),
      sseDelayMsMax: round(sseDelays.reduce((m, v) => Math.max(m, v), -Infinity)),
      graphqlDelayMsP50: round(pct(gqlDelays, 50)),
      graphqlDelayMsP99: round(pct(gqlDelays, 99)),
      apiRssMbBefore: round(rssBefore),
      apiRssMbConnected: round(rssConnected),
      apiRssMbPer100Connections: round(((rssConnected - rssBefore) / connections) * 100, 2),
      lost,
      doubled,
      misordered,
      webhookEvents: window.length,
      webhookDeliveriesPerSecond: round(webhookPerSecond),
      webhookLagMsP50: round(pct(deliveryLag, 50)),
      webhookLagMsP99: round(pct(deliveryLag, 99)),
      webhookDispatchMsP50: round(pct(dispatchMs, 50)),
      webhookDispatchMsP99: round(pct(dispatchMs, 99)),
      webhookDeliverMsP50: round(pct(deliverMs, 50)),
      webhookDeliverMsP99: round(pct(deliverMs, 99)),
      webhookDeliveriesRecorded: deliveries,
      webhookDoubled: doubledDeliveries,
      loadAverage: round(os.loadavg()[0]!, 2),
      machine: `${os.cpus().length} cpu, node ${process.version}`,
    };
    const lines = [
      `live events: ${ROLLOUTS} canary rollouts at once; ${SSE} SSE clients (${SSE_ALL} on the whole feed, the rest one app each) + ${GQL} GraphQL subscribers on one api`,
      `  events written                    ${rows.length} (${framesSent} frames received in all), rollouts took ${result.wallSeconds} s`,
      `  write → SSE client                p50 ${result.sseDelayMsP50} ms, p99 ${result.sseDelayMsP99} ms, max ${result.sseDelayMsMax} ms (target p99 < 50 ms)`,
      `  write → GraphQL subscriber        p50 ${result.graphqlDelayMsP50} ms, p99 ${result.graphqlDelayMsP99} ms`,
      `  api RSS                           ${result.apiRssMbBefore} MB → ${result.apiRssMbConnected} MB with ${connections} connections: ${result.apiRssMbPer100Connections} MB per 100 (target < 20)`,
      `  lost / doubled / out of order     ${lost} / ${doubled} / ${misordered}`,
      `  webhooks                          ${window.length} events delivered at ${result.webhookDeliveriesPerSecond}/s (as fast as the rollouts made them when the lag stays low);`,
      `                                    event → receiver p50 ${result.webhookLagMsP50} ms, p99 ${result.webhookLagMsP99} ms; ${deliveries} recorded, ${doubledDeliveries} doubled`,
      `                                    of which event → delivery row p50 ${result.webhookDispatchMsP50} / p99 ${result.webhookDispatchMsP99} ms, row → delivered p50 ${result.webhookDeliverMsP50} / p99 ${result.webhookDeliverMsP99} ms`,
      `  machine load average              ${result.loadAverage} on ${os.cpus().length} CPUs`,
    ];
    process.stdout.write(`${lines.join('\n')}\n${JSON.stringify(result)}\n`);
    if (process.env.BENCH_NO_RECORD !== '1') {
      appendFileSync(path.join(root, 'BENCHMARKS.md'), `\n## bench:events — ${result.at}\n\n\`\`\`\n${lines.join('\n')}\n${JSON.stringify(result)}\n\`\`\`\n`);
    }
  } finally {
    for (const c of sse) c.close();
    await Promise.all(gql.map((c) => c.dispose()));
    receiver?.close();
    await stopStarted();
    if (dbOpen) await db.end();
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
  if (failures.length) {
    for (const f of failures) log(`FAILED: ${f}`);
    process.exit(1);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
