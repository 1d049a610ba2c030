// The feed's promise: a reader that follows `next` sees every committed event once, in one order, even when the
// transactions that wrote them commit in a different order than they took their sequence numbers.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialDeploymentState, parseStrategyDocument, type DeploymentContext } from '@cutover/domain';
import { createTestPrisma, testDatabaseUrl } from '@cutover/testing';
import type { PrismaClient } from '../generated/prisma/client';
import { runTransaction } from '../transaction/transaction-runner.service';
import { DeploymentEventRepository, insertDeploymentEvents, parsePosition } from './deployment-event.repository';

const INSERT = `INSERT INTO "DeploymentEvent" ("deploymentId", "type", "message", "actor") VALUES ($1::uuid, $2, $3, 'test') RETURNING "seq"::text, "position"::text`;

describe('DeploymentEventRepository (real Postgres)', () => {
  let prisma: PrismaClient;
  let repo: DeploymentEventRepository;
  const clients: Client[] = [];

  beforeAll(() => {
    prisma = createTestPrisma();
    repo = new DeploymentEventRepository(prisma);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await prisma.$disconnect();
  });

  async function client(): Promise<Client> {
    const c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    clients.push(c);
    return c;
  }

  async function seed(): Promise<{ id: string; app: string; cluster: string }> {
    const suffix = randomUUID().slice(0, 8);
    const app = await prisma.application.create({ data: { name: `feed-${suffix}` } });
    const cluster = await prisma.cluster.create({ data: { name: `c-${suffix}`, server: 'https://127.0.0.1:1', authKind: 'token', credentials: new Uint8Array([1]) } });
    const env = await prisma.environment.create({ data: { applicationId: app.id, name: 'prod', clusterId: cluster.id, namespace: 'shop', replicas: 2, strategy: { type: 'Recreate' } } });
    const release = await prisma.release.create({ data: { applicationId: app.id, version: '1.0.0', seq: 1, spec: {}, digest: 'd', createdBy: 't' } });
    const strategy = parseStrategyDocument({ type: 'Recreate' });
    if (!strategy.ok) throw new Error('bad strategy');
    const ctx: DeploymentContext = { app: app.name, environment: 'prod', release: '1.0.0', previousRelease: null, kind: 'deploy', replicas: 2, strategy: strategy.value, preDeployHooks: [], podRequests: null };
    const d = await prisma.deployment.create({
      data: { environmentId: env.id, releaseId: release.id, strategy: {}, phase: 'Pending', state: initialDeploymentState(ctx, 1_000) as object, activeKey: env.id, createdBy: 't' },
    });
    return { id: d.id, app: app.name, cluster: cluster.name };
  }

  /**
   * Follows the feed until it returned `count` events (bounded): the horizon is the whole server's oldest open
   * transaction, so another database's transaction may hold an event back for a moment, never hide it.
   */
  async function drainUntil(after: bigint, deploymentId: string, count: number): Promise<{ types: string[]; messages: string[]; next: bigint }> {
    const types: string[] = [];
    const messages: string[] = [];
    let cursor = after;
    const deadline = Date.now() + 15_000;
    while (types.length < count && Date.now() < deadline) {
      const page = await drain(cursor, deploymentId);
      types.push(...page.types);
      messages.push(...page.messages);
      cursor = page.next;
      if (types.length < count) await new Promise<void>((resolve) => setTimeout(resolve, 20));
    }
    return { types, messages, next: cursor };
  }

  /** Follows the feed from `after` until it has everything settled, like a live reader catching up. */
  async function drain(after: bigint, deploymentId: string): Promise<{ types: string[]; messages: string[]; next: bigint; unsettled: boolean }> {
    const types: string[] = [];
    const messages: string[] = [];
    let cursor = after;
    for (;;) {
      const page = await repo.readAfter(cursor, { deploymentId }, 2);
      types.push(...page.events.map((e) => e.type));
      messages.push(...page.events.map((e) => e.message));
      cursor = BigInt(page.next);
      if (page.complete) return { types, messages, next: cursor, unsettled: page.unsettled };
    }
  }

  it('never serves an event that overtook an open transaction holding an earlier sequence number', async () => {
    const { id } = await seed();
    const a = await client();
    const b = await client();

    // A takes the smaller seq (and transaction id) first, B a larger one; B commits first, A a moment later.
    await a.query('BEGIN');
    const early = (await a.query<{ seq: string; position: string }>(INSERT, [id, 'Early', 'taken first, committed last'])).rows[0]!;
    await b.query('BEGIN');
    const late = (await b.query<{ seq: string; position: string }>(INSERT, [id, 'Late', 'taken last, committed first'])).rows[0]!;
    expect(BigInt(early.seq)).toBeLessThan(BigInt(late.seq));
    await b.query('COMMIT');

    // B is committed and visible, but serving it now would move the cursor past A's event for good.
    const visible = await prisma.deploymentEvent.findMany({ where: { deploymentId: id }, select: { type: true } });
    expect(visible.map((e) => e.type)).toEqual(['Late']);
    const before = await drain(0n, id);
    expect(before.types).toEqual([]);
    expect(before.unsettled).toBe(true);

    await a.query('COMMIT');
    const after = await drainUntil(before.next, id, 2);
    expect(after.types).toEqual(['Early', 'Late']);
    // Nothing repeats from the last position, and the positions order like the feed.
    expect((await drain(after.next, id)).types).toEqual([]);
    expect(BigInt(early.position)).toBeLessThan(BigInt(late.position));
  });

  it('orders by transaction, not by seq: a transaction that started first but inserted last still comes first', async () => {
    const { id } = await seed();
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    await a.query(`UPDATE "Deployment" SET "reason" = 'holding a transaction id' WHERE "id" = $1::uuid`, [id]);
    await b.query('BEGIN');
    const bRow = (await b.query<{ seq: string; position: string }>(INSERT, [id, 'B', 'second transaction, first insert'])).rows[0]!;
    const aRow = (await a.query<{ seq: string; position: string }>(INSERT, [id, 'A', 'first transaction, second insert'])).rows[0]!;
    expect(BigInt(aRow.seq)).toBeGreaterThan(BigInt(bRow.seq));
    await b.query('COMMIT');
    expect((await drain(0n, id)).types).toEqual([]);
    await a.query('COMMIT');
    expect((await drainUntil(0n, id, 2)).types).toEqual(['A', 'B']);
  });

  it('under concurrent writers committing in random order, a following reader gets every event exactly once', async () => {
    const { id } = await seed();
    const writers = await Promise.all(Array.from({ length: 6 }, () => client()));
    const written: string[] = [];
    const seen: string[] = [];
    let cursor = 0n;
    let writing = true;
    const reader = (async () => {
      // Reads while the writers commit; after they stop, one more drain picks up the rest.
      while (writing) {
        const page = await repo.readAfter(cursor, { deploymentId: id }, 3);
        seen.push(...page.events.map((e) => e.message));
        cursor = BigInt(page.next);
      }
    })();
    await Promise.all(
      writers.map(async (w, i) => {
        for (let round = 0; round < 8; round++) {
          await w.query('BEGIN');
          const messages = [`w${i}-r${round}-a`, `w${i}-r${round}-b`];
          for (const m of messages) await w.query(INSERT, [id, 'Step', m]);
          // Hold some transactions open across others' commits.
          if ((i + round) % 3 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          await w.query('COMMIT');
          written.push(...messages);
        }
      }),
    );
    writing = false;
    await reader;
    const rest = await drainUntil(cursor, id, written.length - seen.length);
    seen.push(...rest.messages);
    expect(seen.length).toBe(written.length);
    expect(new Set(seen)).toEqual(new Set(written));
    // Each transaction's two events stay together and in insert order.
    for (let k = 0; k < seen.length; k += 2) expect(seen[k]!.replace(/-a$/, '')).toBe(seen[k + 1]!.replace(/-b$/, ''));
  });

  it('filters by app, environment, cluster and type, and carries names and the deployment snapshot', async () => {
    const one = await seed();
    const two = await seed();
    await runTransaction(prisma, async (tx) => {
      await insertDeploymentEvents(tx, one.id, [{ type: 'Started', message: 'one started', actor: 'alice', data: { n: 1 } }]);
      await insertDeploymentEvents(tx, two.id, [{ type: 'Started', message: 'two started', actor: null }, { type: 'Scaled', message: 'two scaled', actor: null }]);
    });
    await drainUntil(0n, two.id, 2);
    const byApp = await repo.readAfter(0n, { apps: [two.app] });
    expect(byApp.events.map((e) => e.message)).toEqual(['two started', 'two scaled']);
    const byCluster = await repo.readAfter(0n, { clusters: [one.cluster], types: ['Started'] });
    expect(byCluster.events).toHaveLength(1);
    expect(byCluster.events[0]).toMatchObject({
      deploymentId: one.id,
      app: one.app,
      environment: 'prod',
      cluster: one.cluster,
      release: '1.0.0',
      type: 'Started',
      actor: 'alice',
      data: { n: 1 },
      snapshot: { phase: 'Pending', step: null, sides: [], weight: null },
    });
    expect(byCluster.events[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await repo.readAfter(0n, { apps: [one.app], types: ['Scaled'] })).events).toEqual([]);
    // The newest settled position is at or past everything just read.
    expect(BigInt(await repo.latestPosition())).toBeGreaterThanOrEqual(BigInt(byApp.next));
  });

  it('parses positions strictly', () => {
    expect(parsePosition('0')).toBe(0n);
    expect(parsePosition('123456789012345')).toBe(123456789012345n);
    for (const bad of ['', '-1', '1.5', '1e3', ' 1', '99999999999999999999', '9223372036854775808']) expect(parsePosition(bad)).toBeNull();
  });
});
