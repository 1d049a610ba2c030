import { Injectable } from '@nestjs/common';
import { canonicalJson, type ReleaseSpec } from '@cutover/domain';
import type { Prisma, Release } from '../generated/prisma/client';
import { sha256Hex } from '../audit/audit.digest';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';
import { isUniqueViolation } from './application.repository';

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
  applicationId: string;
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
   * Records the release as the app's next `seq`, or returns `null` when the version exists already.
   * The caller must hold the app row lock (`ApplicationRepository.lockByName(tx, app, 'no-key-update')`): that
   * serialises numbering per app, so two concurrent creates never read the same max(seq).
   */
  async create(tx: Tx, release: NewRelease): Promise<ReleaseRecord | null> {
    const existing = await tx.release.findUnique({
      where: { applicationId_version: { applicationId: release.applicationId, version: release.version } },
      select: { id: true },
    });
    if (existing) return null;
    const last = await tx.release.aggregate({ where: { applicationId: release.applicationId }, _max: { seq: true } });
    await tx.$executeRaw`SAVEPOINT release_create`;
    try {
      const row = await tx.release.create({
        data: {
          applicationId: release.applicationId,
          version: release.version,
          seq: (last._max.seq ?? 0) + 1,
          spec: release.spec as unknown as Prisma.InputJsonValue,
          digest: releaseDigest(release.spec),
          notes: release.notes,
          commitSha: release.commitSha,
          createdBy: release.createdBy,
        },
      });
      return toRecord(row);
    } catch (error) {
      // Only reachable if a caller forgot the app lock: the unique keys still keep the table right.
      if (!isUniqueViolation(error)) throw error;
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT release_create`;
      return null;
    }
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
