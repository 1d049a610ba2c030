import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

/** One app × environment as the overview shows it: where it runs, what serves, and its latest deployment. */
export interface OverviewRow {
  app: string;
  environment: string;
  cluster: string;
  namespace: string;
  strategy: string | null;
  protected: boolean;
  /** The release of the latest deployment that succeeded there (what serves, as far as Cutover knows). */
  serving: string | null;
  deploymentId: string | null;
  kind: string | null;
  release: string | null;
  phase: string | null;
  pauseReason: string | null;
  failureReason: string | null;
  updatedAt: Date | null;
}

export interface OverviewFilter {
  app?: string;
  /** Case-insensitive substring of the app, environment, cluster or namespace. */
  search?: string;
  limit: number;
}

/**
 * The overview in ONE statement (docs/dashboard.md): environments joined to their app and cluster, each with its
 * latest deployment and its latest succeeded one through LATERAL lookups on Deployment(environmentId, createdAt).
 */
@Injectable()
export class OverviewRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(filter: OverviewFilter): Promise<OverviewRow[]> {
    const app = filter.app ?? null;
    const search = filter.search ? `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    return this.prisma.$queryRaw<OverviewRow[]>`
      SELECT a.name AS "app", e.name AS "environment", c.name AS "cluster", e.namespace AS "namespace",
             e.strategy->>'type' AS "strategy", e.protected AS "protected",
             srv.version AS "serving",
             cur.id::text AS "deploymentId", cur.kind AS "kind", cr.version AS "release", cur.phase AS "phase",
             cur."pauseReason" AS "pauseReason", cur."failureReason" AS "failureReason", cur."updatedAt" AS "updatedAt"
        FROM "Environment" e
        JOIN "Application" a ON a.id = e."applicationId"
        JOIN "Cluster" c ON c.id = e."clusterId"
        LEFT JOIN LATERAL (
          SELECT d.id, d.kind, d."releaseId", d.phase, d."pauseReason", d."failureReason", d."updatedAt"
            FROM "Deployment" d WHERE d."environmentId" = e.id ORDER BY d."createdAt" DESC LIMIT 1
        ) cur ON true
        LEFT JOIN "Release" cr ON cr.id = cur."releaseId"
        LEFT JOIN LATERAL (
          SELECT r.version FROM "Deployment" d JOIN "Release" r ON r.id = d."releaseId"
           WHERE d."environmentId" = e.id AND d.phase = 'Succeeded' ORDER BY d."createdAt" DESC LIMIT 1
        ) srv ON true
       WHERE (${app}::text IS NULL OR a.name = ${app}::text)
         AND (${search}::text IS NULL OR a.name ILIKE ${search}::text OR e.name ILIKE ${search}::text
              OR c.name ILIKE ${search}::text OR e.namespace ILIKE ${search}::text)
       ORDER BY a.name, e.name
       LIMIT ${filter.limit}`;
  }
}
