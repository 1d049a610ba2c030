import { Injectable } from '@nestjs/common';
import { canonicalJson, type ReleaseSpec } from '@cutover/domain';
import type { Release } from '../generated/prisma/client';
import { sha256Hex } from '../audit/audit.digest';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

export interface ReleaseRecord {
  id: string;
  applicationId: string;
  version: string;
  /** Order of recording within the app: 1, 2, 3, ... */
  seq: number;
  spec: ReleaseSpec;
  /** `sha256:<hex>` of the canonical JSON of `spec`. */
  digest: string;
  notes: string | null;
  commitSha: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface NewRelease {
  /** Chosen by the caller, so the audit entry written before the insert can name it. */
  id: string;
  version: string;
  spec: ReleaseSpec;
  notes: string | null;
  commitSha: string | null;
  createdBy: string;
}

/** What approvals and the audit bind to: a release's spec, independent of key order or JSONB's storage order. */
export function releaseDigest(spec: ReleaseSpec): string {
  return `sha256:${sha256Hex(canonicalJson(spec))}`;
}

function toRecord(row: Release): ReleaseRecord {
  return {
    id: row.id,
    applicationId: row.applicationId,
    version: row.version,
    seq: row.seq,
    spec: row.spec as unknown as ReleaseSpec,
    digest: row.digest,
    notes: row.notes,
    commitSha: row.commitSha,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

@Injectable()
export class ReleaseRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records the release as its app's next `seq`: `'no-app'` when the app does not exist, `null` when it has the
   * version already. Numbering is serialised per app by the app row's lock, which this takes and holds to the end
   * of the caller's transaction: call it last, so the lock covers one statement and the commit. Two statements: the
   * insert's snapshot must be taken after the lock is granted, so it sees the seq the previous holder committed.
   */
  async createNext(tx: Tx, appName: string, release: NewRelease): Promise<ReleaseRecord | 'no-app' | null> {
    const app = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id"::text AS "id" FROM "Application" WHERE "name" = ${appName} FOR NO KEY UPDATE`;
    if (app.length === 0) return 'no-app';
    const rows = await tx.$queryRaw<Release[]>`
      INSERT INTO "Release" ("id", "applicationId", "version", "seq", "spec", "digest", "notes", "commitSha", "createdBy", "createdAt")
      SELECT ${release.id}::uuid, ${app[0]!.id}::uuid, ${release.version},
             coalesce((SELECT max("seq") FROM "Release" WHERE "applicationId" = ${app[0]!.id}::uuid), 0) + 1,
             ${JSON.stringify(release.spec)}::jsonb, ${releaseDigest(release.spec)}, ${release.notes}, ${release.commitSha}, ${release.createdBy},
             (${new Date().toISOString()}::timestamptz AT TIME ZONE 'UTC')
      ON CONFLICT ("applicationId", "version") DO NOTHING
      RETURNING "id"::text AS "id", "applicationId"::text AS "applicationId", "version", "seq", "spec", "digest", "notes", "commitSha", "createdBy", "createdAt"`;
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByVersion(applicationId: string, version: string, tx?: Tx): Promise<ReleaseRecord | null> {
    const row = await (tx ?? this.prisma).release.findUnique({ where: { applicationId_version: { applicationId, version } } });
    return row ? toRecord(row) : null;
  }

  /** Newest first; `beforeSeq` continues a previous page. */
  async listByApp(applicationId: string, take: number, beforeSeq?: number, tx?: Tx): Promise<ReleaseRecord[]> {
    const rows = await (tx ?? this.prisma).release.findMany({
      where: { applicationId, ...(beforeSeq !== undefined ? { seq: { lt: beforeSeq } } : {}) },
      orderBy: { seq: 'desc' },
      take,
    });
    return rows.map(toRecord);
  }
}
