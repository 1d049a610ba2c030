import { Injectable } from '@nestjs/common';
import { Prisma, type Application } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

export interface ApplicationRecord {
  id: string;
  name: string;
  description: string | null;
  labels: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewApplication {
  name: string;
  description: string | null;
  labels: Record<string, string>;
}

export interface ApplicationListQuery {
  /** Rows to fetch (the caller asks for one more than its page to know whether there is a next page). */
  take: number;
  /** Names sort the list; continue after this one. */
  afterName?: string;
  /** Only apps whose labels hold every one of these pairs. */
  labels?: Record<string, string>;
}

export function stringMap(value: Prisma.JsonValue): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function toRecord(row: Application): ApplicationRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    labels: stringMap(row.labels),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

@Injectable()
export class ApplicationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** `null` when an app of that name exists already (the unique name decides, not a prior read). */
  async create(tx: Tx, app: NewApplication): Promise<ApplicationRecord | null> {
    // A savepoint, so a duplicate leaves the caller's transaction usable (Postgres aborts it on any failed statement).
    await tx.$executeRaw`SAVEPOINT app_create`;
    try {
      const row = await tx.application.create({ data: { name: app.name, description: app.description, labels: app.labels } });
      return toRecord(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT app_create`;
      return null;
    }
  }

  async findByName(name: string, tx?: Tx): Promise<ApplicationRecord | null> {
    const row = await (tx ?? this.prisma).application.findUnique({ where: { name } });
    return row ? toRecord(row) : null;
  }

  /**
   * Locks the app row until the transaction ends. `update` (for a delete) also locks its environments, which blocks
   * new environments and deployments (their foreign-key checks key-share-lock those rows); `no-key-update` only
   * serialises writers such as release numbering, without blocking those inserts.
   */
  async lockByName(tx: Tx, name: string, mode: 'update' | 'no-key-update'): Promise<ApplicationRecord | null> {
    const rows =
      mode === 'update'
        ? await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Application" WHERE "name" = ${name} FOR UPDATE`
        : await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Application" WHERE "name" = ${name} FOR NO KEY UPDATE`;
    if (rows.length === 0) return null;
    if (mode === 'update') {
      // Deployments reference environments, not the app: lock those rows too, so no deployment can start (its
      // insert key-share-locks its environment) between the active-deployment check and the delete.
      await tx.$queryRaw`SELECT "id" FROM "Environment" WHERE "applicationId" = ${rows[0].id}::uuid FOR UPDATE`;
    }
    const row = await tx.application.findUniqueOrThrow({ where: { id: rows[0].id } });
    return toRecord(row);
  }

  async list(query: ApplicationListQuery): Promise<ApplicationRecord[]> {
    const labelFilters = Object.entries(query.labels ?? {}).map(([key, value]) => ({ labels: { path: [key], equals: value } }));
    const rows = await this.prisma.application.findMany({
      where: {
        AND: [...(query.afterName !== undefined ? [{ name: { gt: query.afterName } }] : []), ...labelFilters],
      },
      orderBy: { name: 'asc' },
      take: query.take,
    });
    return rows.map(toRecord);
  }

  /** The id of a deployment of this app that is still active (not ended), if any. */
  async activeDeploymentId(tx: Tx, applicationId: string): Promise<string | null> {
    const row = await tx.deployment.findFirst({
      where: { activeKey: { not: null }, environment: { applicationId } },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  /** Deletes the app with its environments, their past deployments and its releases. */
  async delete(tx: Tx, id: string): Promise<void> {
    // Deployments first: they RESTRICT the deletion of their releases, and the order in which one DELETE's
    // cascades run is not ours to choose.
    await tx.deployment.deleteMany({ where: { environment: { applicationId: id } } });
    await tx.application.delete({ where: { id } });
  }
}
