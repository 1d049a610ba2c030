import { Injectable } from '@nestjs/common';
import type { ApprovalPolicy } from '@cutover/domain';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';
import { isUniqueViolation, stringMap } from './application.repository';

export interface EnvironmentService {
  port: number;
  /** A port number, or the name of a container port. */
  targetPort: number | string;
}

export interface EnvironmentRecord {
  id: string;
  applicationId: string;
  appName: string;
  name: string;
  clusterId: string;
  clusterName: string;
  namespace: string;
  replicas: number;
  /** The normalised default strategy document (libs/domain StrategyDocument). */
  strategy: Prisma.JsonValue;
  service: EnvironmentService | null;
  /** Chat asks for a confirmation button before deploy, promote, abort and rollback here. */
  protected: boolean;
  /** Approval policy (null: none). */
  approvals: ApprovalPolicy | null;
  /** Kubernetes-syntax labels, matched by rollout waves' environmentSelector. */
  labels: Record<string, string>;
  /** The cluster's labels, matched by rollout waves' clusterSelector. */
  clusterLabels: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewEnvironment {
  applicationId: string;
  name: string;
  clusterId: string;
  namespace: string;
  replicas: number;
  strategy: Prisma.InputJsonValue;
  service: EnvironmentService | null;
  protected?: boolean;
  labels?: Record<string, string>;
}

/** Only these change after creation; `service: null` removes the Service port. */
export interface EnvironmentPatch {
  replicas?: number;
  strategy?: Prisma.InputJsonValue;
  service?: EnvironmentService | null;
  protected?: boolean;
  /** null removes the policy. */
  approvals?: ApprovalPolicy | null;
  /** Replaces the labels. */
  labels?: Record<string, string>;
}

const include = { application: { select: { name: true } }, cluster: { select: { name: true, labels: true } } } as const;
type Row = Prisma.EnvironmentGetPayload<{ include: typeof include }>;

function toRecord(row: Row): EnvironmentRecord {
  const targetPort = row.serviceTargetPortName ?? row.serviceTargetPort;
  return {
    id: row.id,
    applicationId: row.applicationId,
    appName: row.application.name,
    name: row.name,
    clusterId: row.clusterId,
    clusterName: row.cluster.name,
    namespace: row.namespace,
    replicas: row.replicas,
    strategy: row.strategy,
    service: row.servicePort !== null && targetPort !== null ? { port: row.servicePort, targetPort } : null,
    protected: row.protected,
    approvals: (row.approvals ?? null) as ApprovalPolicy | null,
    labels: stringMap(row.labels),
    clusterLabels: stringMap(row.cluster.labels),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function serviceColumns(service: EnvironmentService | null) {
  return {
    servicePort: service?.port ?? null,
    serviceTargetPort: typeof service?.targetPort === 'number' ? service.targetPort : null,
    serviceTargetPortName: typeof service?.targetPort === 'string' ? service.targetPort : null,
  };
}

@Injectable()
export class EnvironmentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** `null` when the app already has an environment of that name. */
  async create(tx: Tx, env: NewEnvironment): Promise<EnvironmentRecord | null> {
    await tx.$executeRaw`SAVEPOINT environment_create`;
    try {
      const row = await tx.environment.create({
        data: {
          applicationId: env.applicationId,
          name: env.name,
          clusterId: env.clusterId,
          namespace: env.namespace,
          replicas: env.replicas,
          strategy: env.strategy,
          protected: env.protected ?? false,
          labels: env.labels ?? {},
          ...serviceColumns(env.service),
        },
        include,
      });
      return toRecord(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT environment_create`;
      return null;
    }
  }

  /** Share-locks the cluster row so it cannot be deleted before this transaction commits. */
  async clusterIdByName(tx: Tx, name: string): Promise<string | null> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Cluster" WHERE "name" = ${name} FOR KEY SHARE`;
    return rows[0]?.id ?? null;
  }

  async findByName(applicationId: string, name: string, tx?: Tx): Promise<EnvironmentRecord | null> {
    const row = await (tx ?? this.prisma).environment.findUnique({ where: { applicationId_name: { applicationId, name } }, include });
    return row ? toRecord(row) : null;
  }

  /** Locks the environment row (updates, and the delete's active-deployment check) until the transaction ends. */
  async lock(tx: Tx, applicationId: string, name: string): Promise<EnvironmentRecord | null> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "Environment" WHERE "applicationId" = ${applicationId}::uuid AND "name" = ${name} FOR UPDATE`;
    if (rows.length === 0) return null;
    return toRecord(await tx.environment.findUniqueOrThrow({ where: { id: rows[0].id }, include }));
  }

  /** By name; `take` one more than the page to learn whether another follows. */
  async listByApp(applicationId: string, take: number, afterName?: string, tx?: Tx): Promise<EnvironmentRecord[]> {
    const rows = await (tx ?? this.prisma).environment.findMany({
      where: { applicationId, ...(afterName !== undefined ? { name: { gt: afterName } } : {}) },
      orderBy: { name: 'asc' },
      take,
      include,
    });
    return rows.map(toRecord);
  }

  /**
   * Every environment of the app with its labels and its cluster's labels, by name: what a label selector
   * (`selectEnvironments` of @cutover/domain) chooses from.
   */
  async listForSelection(applicationId: string, tx?: Tx): Promise<EnvironmentRecord[]> {
    const rows = await (tx ?? this.prisma).environment.findMany({ where: { applicationId }, orderBy: { name: 'asc' }, include });
    return rows.map(toRecord);
  }

  async update(tx: Tx, id: string, patch: EnvironmentPatch): Promise<EnvironmentRecord> {
    const row = await tx.environment.update({
      where: { id },
      data: {
        ...(patch.replicas !== undefined ? { replicas: patch.replicas } : {}),
        ...(patch.strategy !== undefined ? { strategy: patch.strategy } : {}),
        ...(patch.service !== undefined ? serviceColumns(patch.service) : {}),
        ...(patch.protected !== undefined ? { protected: patch.protected } : {}),
        ...(patch.labels !== undefined ? { labels: patch.labels } : {}),
        ...(patch.approvals !== undefined ? { approvals: patch.approvals === null ? Prisma.DbNull : (patch.approvals as unknown as Prisma.InputJsonValue) } : {}),
      },
      include,
    });
    return toRecord(row);
  }

  /** The deployment active in this environment (at most one: `activeKey` is unique), if any. */
  async activeDeploymentId(tx: Tx, environmentId: string): Promise<string | null> {
    const row = await tx.deployment.findUnique({ where: { activeKey: environmentId }, select: { id: true } });
    return row?.id ?? null;
  }

  /** Deletes the environment with its past deployments (cascade). */
  async delete(tx: Tx, id: string): Promise<void> {
    await tx.environment.delete({ where: { id } });
  }
}
