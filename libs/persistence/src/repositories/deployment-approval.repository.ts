import { Injectable } from '@nestjs/common';
import type { ApprovalRecordView } from '@cutover/domain';
import type { DeploymentApproval } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

export interface DeploymentApprovalRecord extends ApprovalRecordView {
  deploymentId: string;
  approverTokenId: string | null;
  interface: string;
  createdAt: Date;
}

export interface NewDeploymentApproval {
  deploymentId: string;
  step: string;
  releaseDigest: string;
  approver: string;
  approverRole: 'viewer' | 'deployer' | 'admin';
  approverTokenId: string | null;
  interface: string;
  reason: string | null;
}

export function toApprovalRecord(row: DeploymentApproval): DeploymentApprovalRecord {
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    approver: row.approver,
    approverRole: row.approverRole as DeploymentApprovalRecord['approverRole'],
    approverTokenId: row.approverTokenId,
    step: row.step,
    releaseDigest: row.releaseDigest,
    interface: row.interface,
    reason: row.reason,
    at: row.createdAt.getTime(),
    createdAt: row.createdAt,
  };
}

/** Approvals given to deployments, oldest first (the rules decide which count). */
@Injectable()
export class DeploymentApprovalRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, a: NewDeploymentApproval): Promise<DeploymentApprovalRecord> {
    return toApprovalRecord(await tx.deploymentApproval.create({ data: a }));
  }

  /**
   * How many distinct callers hold each role (tokens not revoked, linked chat users, plus the bootstrap admin): a
   * policy asking for more approvers than can exist is refused when it is set.
   */
  async holdersByRole(): Promise<Record<'viewer' | 'deployer' | 'admin', number>> {
    const [tokens, identities] = await Promise.all([
      this.prisma.apiToken.groupBy({ by: ['role'], where: { revokedAt: null }, _count: { _all: true } }),
      this.prisma.chatIdentity.groupBy({ by: ['role'], _count: { _all: true } }),
    ]);
    const out = { viewer: 0, deployer: 0, admin: 1 };
    for (const r of [...tokens, ...identities]) if (r.role === 'viewer' || r.role === 'deployer' || r.role === 'admin') out[r.role] += r._count._all;
    return out;
  }

  async listFor(deploymentId: string, tx?: Tx): Promise<DeploymentApprovalRecord[]> {
    const rows = await (tx ?? this.prisma).deploymentApproval.findMany({ where: { deploymentId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 1_000 });
    return rows.map(toApprovalRecord);
  }
}
