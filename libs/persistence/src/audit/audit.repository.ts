import { DomainError } from '@cutover/domain';
import { Inject, Injectable } from '@nestjs/common';
import { AuditEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { SETTLED_POSITION_HORIZON_SQL } from '../repositories/deployment-event.repository';
import { runTransaction, Tx } from '../transaction/transaction-runner.service';
import { auditEntryHash, GENESIS_HASH } from './audit.digest';
import { AuditInput, AuditListFilter, AuditPage, AuditVerification, ResourceNames, SealResult, UnsealedTail } from './audit.types';

/**
 * pg advisory lock a sealing round takes (try-lock, for its transaction), so exactly one process seals at a time;
 * distinct from Prisma's migration lock (72707369). Appends take no lock.
 */
export const AUDIT_SEAL_LOCK_KEY = 7_305_289_601n;
/** Entries chained per sealing transaction. */
export const SEAL_BATCH = 2_000;
const VERIFY_BATCH = 1_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The names of a resource by type; $1 is the entry's resourceId (clusters are audited by name).
const NAMES_SQL: Record<string, string> = {
  deployment: `SELECT a."name" AS "app", e."name" AS "environment", r."version", c."name" AS "cluster"
    FROM "Deployment" d JOIN "Environment" e ON e."id" = d."environmentId" JOIN "Application" a ON a."id" = e."applicationId"
    JOIN "Release" r ON r."id" = d."releaseId" JOIN "Cluster" c ON c."id" = e."clusterId" WHERE d."id"::text = $1`,
  environment: `SELECT a."name" AS "app", e."name" AS "environment", c."name" AS "cluster"
    FROM "Environment" e JOIN "Application" a ON a."id" = e."applicationId" JOIN "Cluster" c ON c."id" = e."clusterId" WHERE e."id"::text = $1`,
  app: `SELECT a."name" AS "app" FROM "Application" a WHERE a."id"::text = $1`,
  release: `SELECT a."name" AS "app", r."version" FROM "Release" r JOIN "Application" a ON a."id" = r."applicationId" WHERE r."id"::text = $1`,
  cluster: `SELECT c."name" AS "cluster" FROM "Cluster" c WHERE c."name" = $1 OR c."id"::text = $1 LIMIT 1`,
};
// The names each type's lookup finds: a caller that gives all of them saves the lookup.
const NAME_KEYS: Record<string, Array<keyof ResourceNames>> = {
  deployment: ['app', 'environment', 'version', 'cluster'],
  environment: ['app', 'environment', 'cluster'],
  app: ['app'],
  release: ['app', 'version'],
  cluster: ['cluster'],
};

// One statement: the sealed head (highest sealed position) and the unsealed entries after it, as of one snapshot.
const HEAD_SQL = `
WITH head AS (SELECT "position", "hash" FROM "AuditEntry" WHERE "hash" IS NOT NULL ORDER BY "position" DESC LIMIT 1)
SELECT (SELECT "position"::text FROM head) AS "position", (SELECT "hash" FROM head) AS "hash",
       count(t."seq")::int AS "unsealed", min(t."at") AS "oldestAt"
FROM (SELECT 1) one
LEFT JOIN "AuditEntry" t ON t."position" > coalesce((SELECT "position" FROM head), -1)`;

interface HeadRow {
  position: string | null;
  hash: string | null;
  unsealed: number;
  oldestAt: Date | null;
}

/**
 * The audit log: a hash chain in which every sealed entry covers all its fields and the previous entry's hash, so
 * any change to a sealed row (possible only for a superuser who disables the append-only trigger) shows up in
 * `verify()`. Entries are written unsealed inside the change's transaction, without a lock, and chained shortly
 * after by `seal()` in commit-safe position order (docs/adr/0014-audit-sealer.md).
 */
@Injectable()
export class AuditRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /**
   * Appends inside the caller's transaction, so the entry commits or rolls back with the change it records. Takes no
   * lock: the entry is unsealed (no prevHash/hash) until the sealer chains it, and its position (the column default:
   * the inserting transaction's id and an ordinal) fixes where in the chain it goes.
   */
  async append(tx: Tx, entry: AuditInput): Promise<AuditEntry> {
    const names = await this.namesOf(tx, entry);
    return tx.auditEntry.create({
      data: {
        at: entry.at ?? new Date(),
        actorTokenId: entry.actorTokenId ?? null,
        actorName: entry.actorName,
        action: entry.action,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId ?? null,
        app: names.app ?? null,
        environment: names.environment ?? null,
        version: names.version ?? null,
        cluster: names.cluster ?? null,
        requestId: entry.requestId ?? null,
        interface: entry.interface,
        clientAddress: entry.clientAddress ?? null,
        inputDigest: entry.inputDigest ?? null,
        outcome: entry.outcome,
        statusCode: entry.statusCode ?? null,
        reason: entry.reason ?? null,
      },
    });
  }

  /**
   * The names of the entry's resource as the transaction sees it, the caller's own (non-empty) ones winning. One
   * indexed lookup by id, skipped when the caller gave every name the type has; nothing for types without names.
   */
  private async namesOf(tx: Tx, entry: AuditInput): Promise<ResourceNames> {
    const given = entry.names ?? {};
    const id = entry.resourceId;
    const keys = NAME_KEYS[entry.resourceType];
    let found: ResourceNames = {};
    if (id && keys && !keys.every((k) => given[k])) {
      const rows = await tx.$queryRawUnsafe<ResourceNames[]>(NAMES_SQL[entry.resourceType]!, id);
      found = rows[0] ?? {};
    }
    const pick = (k: keyof ResourceNames) => given[k] ?? found[k] ?? null;
    return { app: pick('app'), environment: pick('environment'), version: pick('version'), cluster: pick('cluster') };
  }

  /** For attempts refused before any business transaction (401, 403): the entry gets one of its own. */
  appendStandalone(entry: AuditInput): Promise<AuditEntry> {
    return runTransaction(this.prisma, (tx) => this.append(tx, entry));
  }

  /**
   * One sealing round: chains up to `limit` unsealed entries after the sealed head, in position order, stopping at
   * the settled horizon (the oldest transaction still open): an entry below it can no longer be joined by one that
   * commits later below it, so the chain never has to be re-cut. Returns at once (busy) when another process seals.
   */
  async seal(limit = SEAL_BATCH, now: () => Date = () => new Date()): Promise<SealResult> {
    // The idle case in one index probe, without a transaction: is the newest entry sealed already?
    const [newest] = await this.prisma.$queryRawUnsafe<{ unsealed: boolean }[]>(
      'SELECT "hash" IS NULL AS "unsealed" FROM "AuditEntry" ORDER BY "position" DESC LIMIT 1',
    );
    if (!newest?.unsealed) return { sealed: 0, busy: false, more: false, maxLagMs: 0 };
    return runTransaction(this.prisma, async (tx) => {
      const [gate] = await tx.$queryRawUnsafe<{ locked: boolean; horizon: string }[]>(
        `SELECT pg_try_advisory_xact_lock($1::bigint) AS "locked", ${SETTLED_POSITION_HORIZON_SQL}::text AS "horizon"`,
        AUDIT_SEAL_LOCK_KEY.toString(),
      );
      if (!gate?.locked) return { sealed: 0, busy: true, more: false, maxLagMs: 0 };
      const head = await tx.auditEntry.findFirst({ where: { hash: { not: null } }, orderBy: { position: 'desc' }, select: { position: true, hash: true } });
      // After the head only: an unsealed entry below it would be an insertion into the sealed chain, for verify to name.
      const rows = await tx.auditEntry.findMany({
        where: { hash: null, position: { ...(head ? { gt: head.position } : {}), lt: BigInt(gate.horizon) } },
        orderBy: { position: 'asc' },
        take: limit,
      });
      if (rows.length === 0) return { sealed: 0, busy: false, more: false, maxLagMs: 0 };
      let prev = head?.hash ?? GENESIS_HASH;
      const seqs: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const row of rows) {
        const hash = auditEntryHash({ ...row, prevHash: prev });
        seqs.push(row.seq.toString());
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      const sealedAt = now();
      const updated = await tx.$executeRawUnsafe(
        `UPDATE "AuditEntry" a SET "prevHash" = v."prev", "hash" = v."hash", "sealedAt" = ($4::timestamptz AT TIME ZONE 'UTC')
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v("seq", "prev", "hash")
         WHERE a."seq" = v."seq" AND a."hash" IS NULL`,
        seqs,
        prevs,
        hashes,
        sealedAt.toISOString(),
      );
      if (updated !== rows.length) throw new Error(`audit sealer: sealed ${updated} of ${rows.length} entries; rolled back`);
      const maxLagMs = Math.max(0, ...rows.map((row) => sealedAt.getTime() - row.at.getTime()));
      return { sealed: rows.length, busy: false, more: rows.length === limit, maxLagMs };
    });
  }

  /** Seals until nothing settled is left (or another process is sealing); the number of entries this call sealed. */
  async sealPending(limit = SEAL_BATCH): Promise<number> {
    let total = 0;
    for (;;) {
      const round = await this.seal(limit);
      total += round.sealed;
      if (!round.more) return total;
    }
  }

  async list(filter: AuditListFilter): Promise<AuditPage<AuditEntry>> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit), 1), 500);
    const where: Prisma.AuditEntryWhereInput = {};
    if (filter.actor) {
      where.OR = UUID.test(filter.actor) ? [{ actorName: filter.actor }, { actorTokenId: filter.actor }] : [{ actorName: filter.actor }];
    }
    if (filter.action) where.action = filter.action;
    if (filter.app) where.app = filter.app;
    if (filter.environment) where.environment = filter.environment;
    if (filter.resource) {
      where.resourceType = filter.resource.type;
      if (filter.resource.id !== undefined) where.resourceId = filter.resource.id;
    }
    if (filter.since) where.at = { gte: filter.since };
    if (filter.cursor !== undefined) where.seq = { lt: parseCursor(filter.cursor) };

    const rows = await this.prisma.auditEntry.findMany({ where, orderBy: { seq: 'desc' }, take: limit + 1 });
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? items[items.length - 1]!.seq.toString() : null;
    return { items, nextCursor };
  }

  /**
   * Walks the sealed chain oldest first (position order), in batches, recomputing every hash, and reports the
   * unsealed tail after it as found when it started. Sealed entries never change, so batches need no common snapshot.
   */
  async verify(): Promise<AuditVerification> {
    const [head] = await this.prisma.$queryRawUnsafe<HeadRow[]>(HEAD_SQL);
    const unsealed: UnsealedTail = { count: head?.unsealed ?? 0, oldestAt: head?.oldestAt ?? null };
    if (!head?.position) return { ok: true, count: 0, unsealed };
    const last = BigInt(head.position);
    let expectedPrev = GENESIS_HASH;
    let after: bigint | undefined;
    let count = 0;
    for (;;) {
      const batch = await this.prisma.auditEntry.findMany({
        where: { position: { ...(after === undefined ? {} : { gt: after }), lte: last } },
        orderBy: { position: 'asc' },
        take: VERIFY_BATCH,
      });
      for (const row of batch) {
        const broken = (reason: string): AuditVerification => ({ ok: false, count, firstBroken: { seq: row.seq.toString(), reason }, unsealed });
        const { prevHash, hash } = row;
        if (prevHash === null || hash === null) return broken('an unsealed entry inside the sealed chain (inserted afterwards, or its seal removed)');
        if (prevHash !== expectedPrev) return broken('prevHash does not match the previous entry (an entry was removed, inserted or reordered)');
        if (auditEntryHash({ ...row, prevHash }) !== hash) return broken('hash does not match the entry content (the entry was altered)');
        expectedPrev = hash;
        count += 1;
      }
      if (batch.length < VERIFY_BATCH) return { ok: true, count, unsealed };
      after = batch[batch.length - 1]!.position;
    }
  }
}

function parseCursor(cursor: string): bigint {
  if (!/^\d{1,19}$/.test(cursor)) throw new DomainError('BAD_REQUEST', `Invalid audit cursor: ${cursor}`);
  return BigInt(cursor);
}
