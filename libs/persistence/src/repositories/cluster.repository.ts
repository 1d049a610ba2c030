import { Injectable } from '@nestjs/common';
import type { Cluster } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

/** A cluster without its credentials: what everything but the credential check sees. */
/**
 * Additional authenticated data for a cluster's sealed credentials: binds the ciphertext to its row, so credentials
 * copied onto another cluster's row fail to open. The api seals with it, the worker opens with it.
 */
export function clusterCredentialsAad(clusterId: string): string {
  return `cluster:${clusterId}`;
}

export interface ClusterRecord {
  id: string;
  name: string;
  server: string;
  authKind: 'kubeconfig' | 'token';
  labels: Record<string, string>;
  lastCheckAt: Date | null;
  lastCheckOk: boolean | null;
  lastCheckInfo: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewCluster {
  /** Chosen by the caller so the sealed credentials can be bound to it (SecretBox aad). */
  id: string;
  name: string;
  server: string;
  authKind: 'kubeconfig' | 'token';
  /** SecretBox ciphertext. */
  credentials: Buffer;
  labels: Record<string, string>;
}

export interface ClusterCheckRecord {
  at: Date;
  ok: boolean;
  /** The version when ok, else the reason. */
  info: string;
}

export interface ClusterChange {
  credentials?: { server: string; authKind: 'kubeconfig' | 'token'; /** SecretBox ciphertext. */ sealed: Buffer };
  labels?: Record<string, string>;
  check?: ClusterCheckRecord;
}

export type ClusterDeleteResult = { deleted: true; id: string } | { deleted: false; reason: 'not-found' } | { deleted: false; reason: 'in-use'; environments: number };

function toRecord(row: Cluster): ClusterRecord {
  const labels = (typeof row.labels === 'object' && row.labels !== null && !Array.isArray(row.labels) ? row.labels : {}) as Record<string, string>;
  return {
    id: row.id,
    name: row.name,
    server: row.server,
    authKind: row.authKind === 'kubeconfig' ? 'kubeconfig' : 'token',
    labels,
    lastCheckAt: row.lastCheckAt,
    lastCheckOk: row.lastCheckOk,
    lastCheckInfo: row.lastCheckInfo,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Injectable()
export class ClusterRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws Prisma's unique violation (P2002) when the name is taken. */
  async create(tx: Tx, cluster: NewCluster): Promise<ClusterRecord> {
    const row = await tx.cluster.create({ data: { ...cluster, credentials: new Uint8Array(cluster.credentials) } });
    return toRecord(row);
  }

  /** The names of these clusters (ids that do not exist are left out). */
  async namesOf(ids: readonly string[]): Promise<string[]> {
    const rows = await this.prisma.cluster.findMany({ where: { id: { in: [...ids] } }, select: { name: true } });
    return rows.map((r) => r.name);
  }

  async findByName(name: string): Promise<ClusterRecord | null> {
    const row = await this.prisma.cluster.findUnique({ where: { name } });
    return row ? toRecord(row) : null;
  }

  /** The sealed credentials, for the credential check only. */
  async findSealedCredentials(name: string): Promise<{ cluster: ClusterRecord; credentials: Buffer } | null> {
    const row = await this.prisma.cluster.findUnique({ where: { name } });
    return row ? { cluster: toRecord(row), credentials: Buffer.from(row.credentials) } : null;
  }

  /** By name, `take` rows after `afterName`. */
  async list(take: number, afterName?: string): Promise<ClusterRecord[]> {
    const rows = await this.prisma.cluster.findMany({
      where: afterName !== undefined ? { name: { gt: afterName } } : {},
      orderBy: { name: 'asc' },
      take,
    });
    return rows.map(toRecord);
  }

  /**
   * Deletes unless an environment uses the cluster. The row lock conflicts with the key-share lock environment
   * creation takes on the cluster, so a concurrent environment either commits first (and is counted) or waits.
   */
  async delete(tx: Tx, name: string): Promise<ClusterDeleteResult> {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Cluster" WHERE "name" = ${name} FOR UPDATE`;
    const id = locked[0]?.id;
    if (!id) return { deleted: false, reason: 'not-found' };
    const environments = await tx.environment.count({ where: { clusterId: id } });
    if (environments > 0) return { deleted: false, reason: 'in-use', environments };
    await tx.cluster.delete({ where: { id } });
    return { deleted: true, id };
  }

  /**
   * New credentials and/or labels, and the check of the new credentials, in one write. Changes `updatedAt`, which is
   * how a worker holding a connection opened with the old credentials learns to reopen it (ClusterGateways).
   */
  async update(tx: Tx, id: string, change: ClusterChange): Promise<ClusterRecord> {
    const row = await tx.cluster.update({
      where: { id },
      data: {
        ...(change.credentials ? { server: change.credentials.server, authKind: change.credentials.authKind, credentials: new Uint8Array(change.credentials.sealed) } : {}),
        ...(change.labels ? { labels: change.labels } : {}),
        ...(change.check ? { lastCheckAt: change.check.at, lastCheckOk: change.check.ok, lastCheckInfo: change.check.info } : {}),
        updatedAt: new Date(),
      },
    });
    return toRecord(row);
  }

  async recordCheck(tx: Tx, id: string, check: ClusterCheckRecord): Promise<ClusterRecord> {
    const row = await tx.cluster.update({ where: { id }, data: { lastCheckAt: check.at, lastCheckOk: check.ok, lastCheckInfo: check.info } });
    return toRecord(row);
  }
}
