import { createScratchDatabase } from '@cutover/testing';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../generated/prisma/client';
import { createPrismaClient } from '../prisma/prisma.service';
import { runTransaction } from '../transaction/transaction-runner.service';
import { auditEntryHash, GENESIS_HASH } from './audit.digest';
import { AuditRepository } from './audit.repository';
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
  it('starts the chain at the genesis hash and hashes every field', async () => {
    const at = new Date('2026-11-30T00:00:00.123Z');
    const first = await audit.appendStandalone(entry({ at, reason: 'first' }));
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(first.at.toISOString()).toBe(at.toISOString());
    expect(first.hash).toBe(auditEntryHash(first));
    const second = await audit.appendStandalone(entry({ outcome: 'denied', statusCode: 403, actorTokenId: null }));
    expect(second.prevHash).toBe(first.hash);
    expect(second.seq).toBeGreaterThan(first.seq);
  });

  it('keeps one chain when 20 transactions append at once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runTransaction(prisma, async (tx) => {
          await audit.append(tx, entry({ resourceId: `d-${i}`, requestId: `req-c-${i}` }));
        }),
      ),
    );
    const result = await audit.verify();
    expect(result).toEqual({ ok: true, count: 22 });
    const rows = await prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
    expect(new Set(rows.map((row) => row.prevHash)).size).toBe(rows.length);
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
    expect((await audit.verify()).ok).toBe(true);
  });

  it('refuses to append in a transaction that is not READ COMMITTED', async () => {
    await expect(
      prisma.$transaction((tx) => audit.append(tx, entry()), { isolationLevel: 'Serializable' }),
    ).rejects.toThrow(/READ COMMITTED/);
  });

  it('is append-only for the application connection: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const row = await prisma.auditEntry.findFirstOrThrow({ orderBy: { seq: 'asc' } });
    await expect(prisma.auditEntry.update({ where: { seq: row.seq }, data: { actorName: 'mallory' } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEntry.delete({ where: { seq: row.seq } })).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe('TRUNCATE "AuditEntry"')).rejects.toThrow(/append-only/);
    expect((await prisma.auditEntry.findUniqueOrThrow({ where: { seq: row.seq } })).actorName).toBe('alice');
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
    expect((await audit.list({ limit: 50, actor: '5f0c6c2e-7d1b-4d35-9f5e-0c1f7b6f2a10' })).items.length).toBe(all - 1);
    expect((await audit.list({ limit: 50, resource: { type: 'cluster', id: 'c-1' } })).items).toHaveLength(1);
    expect((await audit.list({ limit: 50, action: 'deployment.create', since: new Date(Date.now() + 60_000) })).items).toHaveLength(0);
    await expect(audit.list({ limit: 5, cursor: 'abc' })).rejects.toThrow(/cursor/);
  });

  it('names the first altered entry when a superuser tampers with the stored rows', async () => {
    const rows = await prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
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
      const fixed = auditEntryHash({ ...victim, outcome: 'denied' });
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
      const rows = await client.auditEntry.findMany({ orderBy: { seq: 'asc' } });
      const pg = new Client({ connectionString: other.url });
      await pg.connect();
      await pg.query('SET session_replication_role = replica');
      await pg.query('DELETE FROM "AuditEntry" WHERE seq = $1', [rows[1]!.seq.toString()]);
      await pg.end();
      const result = await repo.verify();
      expect(result).toMatchObject({ ok: false, count: 1, firstBroken: { seq: rows[2]!.seq.toString() } });
    } finally {
      await client.$disconnect();
      await other.drop();
    }
  });
});
