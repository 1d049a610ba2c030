import { DomainError } from '@cutover/domain';
import { Inject, Injectable } from '@nestjs/common';
import { AuditEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { runTransaction, Tx } from '../transaction/transaction-runner.service';
import { auditEntryHash, GENESIS_HASH } from './audit.digest';
import { AuditInput, AuditListFilter, AuditPage, AuditVerification, ResourceNames } from './audit.types';

/** pg advisory lock serialising chain appends; distinct from Prisma's migration lock (72707369). */
export const AUDIT_CHAIN_LOCK_KEY = 7_305_289_601n;
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
const NAMED_TYPES = new Set(Object.keys(NAMES_SQL));

/**
 * The audit log: a hash chain in which every entry covers all its fields and the previous entry's hash,
 * so any change to a stored row (possible only for a superuser who disables the append-only trigger)
 * shows up in `verify()`.
 */
@Injectable()
export class AuditRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /**
   * Appends inside the caller's transaction, so the entry commits or rolls back with the change it records.
   * The transaction must be READ COMMITTED (TransactionRunner's): the chain head is read after taking the lock,
   * and only a fresh per-statement snapshot sees the head the previous holder committed.
   */
  async append(tx: Tx, entry: AuditInput): Promise<AuditEntry> {
    const [lock] = await tx.$queryRaw<{ isolation: string }[]>`
      SELECT current_setting('transaction_isolation') AS isolation FROM pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`;
    if (lock?.isolation !== 'read committed') {
      throw new Error(`AuditRepository.append needs a READ COMMITTED transaction, not ${lock?.isolation}`);
    }
    const head = await tx.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
    const [next] = await tx.$queryRaw<{ seq: bigint }[]>`
      SELECT nextval(pg_get_serial_sequence('"AuditEntry"', 'seq')) AS seq`;
    if (!next) throw new Error('AuditEntry sequence returned no value');

    const names = await this.namesOf(tx, entry);
    const fields = {
      seq: BigInt(next.seq),
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
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    return tx.auditEntry.create({ data: { ...fields, hash: auditEntryHash(fields) } });
  }

  /**
   * The names of the entry's resource as the transaction sees it, the caller's own (non-empty) ones winning. One
   * indexed lookup by id; nothing for resource types without names (tokens, the api).
   */
  private async namesOf(tx: Tx, entry: AuditInput): Promise<ResourceNames> {
    const given = entry.names ?? {};
    const id = entry.resourceId;
    let found: ResourceNames = {};
    if (id && NAMED_TYPES.has(entry.resourceType)) {
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

  /** Walks the whole chain oldest first, in batches, recomputing every hash. */
  async verify(): Promise<AuditVerification> {
    let expectedPrev = GENESIS_HASH;
    let after: bigint | undefined;
    let count = 0;
    for (;;) {
      const batch = await this.prisma.auditEntry.findMany({
        where: after === undefined ? {} : { seq: { gt: after } },
        orderBy: { seq: 'asc' },
        take: VERIFY_BATCH,
      });
      for (const row of batch) {
        if (row.prevHash !== expectedPrev) {
          return { ok: false, count, firstBroken: { seq: row.seq.toString(), reason: 'prevHash does not match the previous entry (an entry was removed, inserted or reordered)' } };
        }
        if (auditEntryHash(row) !== row.hash) {
          return { ok: false, count, firstBroken: { seq: row.seq.toString(), reason: 'hash does not match the entry content (the entry was altered)' } };
        }
        expectedPrev = row.hash;
        count += 1;
      }
      if (batch.length < VERIFY_BATCH) return { ok: true, count };
      after = batch[batch.length - 1]!.seq;
    }
  }
}

function parseCursor(cursor: string): bigint {
  if (!/^\d{1,19}$/.test(cursor)) throw new DomainError('BAD_REQUEST', `Invalid audit cursor: ${cursor}`);
  return BigInt(cursor);
}
