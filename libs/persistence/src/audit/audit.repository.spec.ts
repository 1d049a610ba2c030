import { createScratchDatabase } from '@cutover/testing';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../generated/prisma/client';
import { createPrismaClient } from '../prisma/prisma.service';
import { runTransaction } from '../transaction/transaction-runner.service';
import { auditEntryHash, GENESIS_HASH } from './audit.digest';
import { AUDIT_SEAL_LOCK_KEY, AuditRepository } from './audit.repository';
import { AuditInput } from './audit.types';

// A database of its own: the tamper test breaks the chain on purpose, which must not leak into other specs.
let scratch: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;
let audit: AuditRepository;

const entry = (overrides: Partial<AuditInput> = {}): AuditInput => ({
  actorTokenId: '5f0c6c2e-7d1b-4d35-9f5e-0c1f7b6f2a10',
  actorName: 'alice',
  action: 'deployment.create',
  resourceType: 'deployment',
  resourceId: 'd-1',
  requestId: 'req-1',
  interface: 'rest',
  clientAddress: '127.0.0.1',
  inputDigest: 'a'.repeat(64),
  outcome: 'success',
  statusCode: 201,
  ...overrides,
});

async function asSuperuser<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: scratch.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  scratch = await createScratchDatabase();
  prisma = createPrismaClient({ databaseUrl: scratch.url, poolSize: 12 });
  audit = new AuditRepository(prisma);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await scratch?.drop();
});

describe('AuditRepository', () => {
  it('writes entries unsealed; the sealer chains them from the genesis hash, hashing every field', async () => {
    const at = new Date('2026-11-30T00:00:00.123Z');
    const first = await audit.appendStandalone(entry({ at, reason: 'first' }));
    expect(first).toMatchObject({ prevHash: null, hash: null, sealedAt: null });
    expect(first.at.toISOString()).toBe(at.toISOString());
    const second = await audit.appendStandalone(entry({ outcome: 'denied', statusCode: 403, actorTokenId: null }));
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(second.position).toBeGreaterThan(first.position);
    expect(await audit.verify()).toEqual({ ok: true, count: 0, unsealed: { count: 2, oldestAt: at } });

    expect(await audit.sealPending()).toBe(2);
    const [a, b] = await prisma.auditEntry.findMany({ orderBy: { position: 'asc' } });
    expect(a!.prevHash).toBe(GENESIS_HASH);
    expect(a!.hash).toBe(auditEntryHash({ ...a!, prevHash: GENESIS_HASH }));
    expect(b!.prevHash).toBe(a!.hash);
    expect(b!.sealedAt).not.toBeNull();
    expect(await audit.verify()).toEqual({ ok: true, count: 2, unsealed: { count: 0, oldestAt: null } });
    expect(await audit.seal()).toMatchObject({ sealed: 0, busy: false, more: false });
  });

  it('keeps one chain when 20 transactions append at once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runTransaction(prisma, async (tx) => {
          await audit.append(tx, entry({ resourceId: `d-${i}`, requestId: `req-c-${i}` }));
        }),
      ),
    );
    await audit.sealPending();
    expect(await audit.verify()).toEqual({ ok: true, count: 22, unsealed: { count: 0, oldestAt: null } });
    const rows = await prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
    expect(new Set(rows.map((row) => row.prevHash)).size).toBe(rows.length);
  });

  it('never seals past an open transaction, and chains in commit-safe position order, not seq order', async () => {
    const open = new Client({ connectionString: scratch.url });
    await open.connect();
    try {
      // The open transaction gets its id first, then a later transaction commits an entry: the later entry must wait.
      await open.query('BEGIN');
      await open.query('SELECT pg_current_xact_id()');
      const later = await audit.appendStandalone(entry({ requestId: 'req-later' }));
      expect(await audit.sealPending()).toBe(0);
      expect(await audit.verify()).toMatchObject({ ok: true, count: 22, unsealed: { count: 1 } });
      // Its entry takes a larger seq than the committed one, but the chain goes by transaction order.
      const { rows } = await open.query<{ seq: string }>(
        `INSERT INTO "AuditEntry" ("actorName", "action", "resourceType", "interface", "outcome", "requestId") VALUES ('carol', 'app.create', 'app', 'rest', 'success', 'req-open') RETURNING seq::text`,
      );
      expect(BigInt(rows[0]!.seq)).toBeGreaterThan(later.seq);
      expect(await audit.sealPending()).toBe(0);
      await open.query('COMMIT');
    } finally {
      await open.end();
    }
    expect(await audit.sealPending()).toBe(2);
    const sealed = await prisma.auditEntry.findMany({ orderBy: { position: 'desc' }, take: 2 });
    expect(sealed.map((row) => row.requestId)).toEqual(['req-later', 'req-open']);
    expect(sealed[0]!.prevHash).toBe(sealed[1]!.hash);
    expect(await audit.verify()).toEqual({ ok: true, count: 24, unsealed: { count: 0, oldestAt: null } });
  });

  it('lets one process seal at a time: a round finds the sealer lock taken and does nothing', async () => {
    await audit.appendStandalone(entry({ requestId: 'req-busy' }));
    const other = new Client({ connectionString: scratch.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_SEAL_LOCK_KEY.toString()]);
      expect(await audit.seal()).toMatchObject({ sealed: 0, busy: true });
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    expect(await audit.seal()).toMatchObject({ sealed: 1, busy: false });
  });

  it('leaves no row when the surrounding transaction rolls back', async () => {
    const before = await prisma.auditEntry.count();
    await expect(
      runTransaction(prisma, async (tx) => {
        await audit.append(tx, entry({ requestId: 'req-rolled-back' }));
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    expect(await prisma.auditEntry.count()).toBe(before);
    expect(await prisma.auditEntry.findFirst({ where: { requestId: 'req-rolled-back' } })).toBeNull();
    await audit.sealPending();
    expect((await audit.verify()).ok).toBe(true);
  });

  it('appends in a transaction of any isolation level (no chain head is read any more)', async () => {
    const row = await prisma.$transaction((tx) => audit.append(tx, entry({ requestId: 'req-serializable' })), { isolationLevel: 'Serializable' });
    expect(row.hash).toBeNull();
    await audit.sealPending();
    expect(await audit.verify()).toMatchObject({ ok: true, unsealed: { count: 0 } });
  });

  it('is append-only for the application connection: UPDATE, DELETE and TRUNCATE are refused, sealing once excepted', async () => {
    const row = await prisma.auditEntry.findFirstOrThrow({ orderBy: { seq: 'asc' } });
    await expect(prisma.auditEntry.update({ where: { seq: row.seq }, data: { actorName: 'mallory' } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEntry.update({ where: { seq: row.seq }, data: { hash: 'f'.repeat(64) } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEntry.delete({ where: { seq: row.seq } })).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe('TRUNCATE "AuditEntry"')).rejects.toThrow(/append-only/);
    expect((await prisma.auditEntry.findUniqueOrThrow({ where: { seq: row.seq } })).actorName).toBe('alice');
    // Sealing may not change anything else about the entry.
    const unsealed = await audit.appendStandalone(entry({ requestId: 'req-seal-only' }));
    await expect(
      prisma.auditEntry.update({ where: { seq: unsealed.seq }, data: { prevHash: GENESIS_HASH, hash: 'e'.repeat(64), sealedAt: new Date(), outcome: 'denied' } }),
    ).rejects.toThrow(/append-only/);
    await audit.sealPending();
  });

  it('lists newest first with filters and a seq cursor', async () => {
    await audit.appendStandalone(entry({ actorName: 'bob', action: 'cluster.update', resourceType: 'cluster', resourceId: 'c-1' }));
    const all = await prisma.auditEntry.count();
    const page1 = await audit.list({ limit: 10 });
    expect(page1.items).toHaveLength(10);
    expect(page1.items[0]!.seq).toBeGreaterThan(page1.items[1]!.seq);
    const page2 = await audit.list({ limit: 10, cursor: page1.nextCursor! });
    const page3 = await audit.list({ limit: 10, cursor: page2.nextCursor! });
    expect(page3.nextCursor).toBeNull();
    expect(page1.items.length + page2.items.length + page3.items.length).toBe(all);
    expect(page2.items[0]!.seq).toBeLessThan(page1.items[9]!.seq);

    expect((await audit.list({ limit: 50, actor: 'bob' })).items.map((row) => row.action)).toEqual(['cluster.update']);
    expect((await audit.list({ limit: 50, actor: '5f0c6c2e-7d1b-4d35-9f5e-0c1f7b6f2a10' })).items.length).toBe(all - 2);
    expect((await audit.list({ limit: 50, resource: { type: 'cluster', id: 'c-1' } })).items).toHaveLength(1);
    expect((await audit.list({ limit: 50, action: 'deployment.create', since: new Date(Date.now() + 60_000) })).items).toHaveLength(0);
    await expect(audit.list({ limit: 5, cursor: 'abc' })).rejects.toThrow(/cursor/);
  });

  it('names the first altered entry when a superuser tampers with the stored rows', async () => {
    await audit.sealPending();
    const rows = await prisma.auditEntry.findMany({ orderBy: { position: 'asc' } });
    const victim = rows[5]!;
    await asSuperuser(async (client) => {
      await client.query('SET session_replication_role = replica');
      await client.query('UPDATE "AuditEntry" SET "outcome" = $1 WHERE seq = $2', ['denied', victim.seq.toString()]);
    });
    const result = await audit.verify();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.firstBroken.seq).toBe(victim.seq.toString());
    expect(result.firstBroken.reason).toMatch(/altered/);
    expect(result.count).toBe(5);

    // Rewriting the hash as well only moves the break to the next entry.
    await asSuperuser(async (client) => {
      const tampered = await client.query<{ seq: string }>('SELECT seq::text FROM "AuditEntry" WHERE seq = $1', [victim.seq.toString()]);
      expect(tampered.rowCount).toBe(1);
      await client.query('SET session_replication_role = replica');
      const fixed = auditEntryHash({ ...victim, prevHash: victim.prevHash!, outcome: 'denied' });
      await client.query('UPDATE "AuditEntry" SET "hash" = $1 WHERE seq = $2', [fixed, victim.seq.toString()]);
    });
    const again = await audit.verify();
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.firstBroken.seq).toBe(rows[6]!.seq.toString());
    expect(again.firstBroken.reason).toMatch(/prevHash/);
  });

  it('names the entry after a deleted one', async () => {
    const other = await createScratchDatabase();
    const client = createPrismaClient({ databaseUrl: other.url, poolSize: 2 });
    try {
      const repo = new AuditRepository(client);
      for (let i = 0; i < 3; i++) await repo.appendStandalone(entry({ requestId: `r-${i}` }));
      await repo.sealPending();
      const rows = await client.auditEntry.findMany({ orderBy: { position: 'asc' } });
      const pg = new Client({ connectionString: other.url });
      await pg.connect();
      await pg.query('SET session_replication_role = replica');
      await pg.query('DELETE FROM "AuditEntry" WHERE seq = $1', [rows[1]!.seq.toString()]);
      await pg.end();
      const result = await repo.verify();
      expect(result).toMatchObject({ ok: false, count: 1, firstBroken: { seq: rows[2]!.seq.toString() } });

      // An entry slipped in below the sealed head (here: a seal removed) is named as well.
      await repo.appendStandalone(entry({ requestId: 'r-3' }));
      await repo.sealPending();
      const pg2 = new Client({ connectionString: other.url });
      await pg2.connect();
      await pg2.query('SET session_replication_role = replica');
      await pg2.query('UPDATE "AuditEntry" SET "hash" = NULL, "prevHash" = NULL, "sealedAt" = NULL WHERE seq = $1', [rows[0]!.seq.toString()]);
      await pg2.end();
      expect(await repo.verify()).toMatchObject({ ok: false, count: 0, firstBroken: { seq: rows[0]!.seq.toString(), reason: expect.stringContaining('unsealed') } });
    } finally {
      await client.$disconnect();
      await other.drop();
    }
  });
});
