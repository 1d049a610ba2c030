import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';
import { type ApiTokenRecord, toTokenRecord } from './token.repository';

/** A dashboard session as the api sees it, with the token it acts as. Never the cookie secret. */
export interface DashboardSessionRecord {
  id: string;
  tokenId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  token: ApiTokenRecord;
}

export interface NewDashboardSession {
  tokenId: string;
  secretHash: string;
  userAgent: string | null;
  expiresAt: Date;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class DashboardSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, session: NewDashboardSession): Promise<DashboardSessionRecord> {
    const row = await tx.dashboardSession.create({ data: session, include: { token: true } });
    return { id: row.id, tokenId: row.tokenId, createdAt: row.createdAt, expiresAt: row.expiresAt, revokedAt: row.revokedAt, token: toTokenRecord(row.token) };
  }

  async findBySecretHash(secretHash: string): Promise<DashboardSessionRecord | null> {
    const row = await this.prisma.dashboardSession.findUnique({ where: { secretHash }, include: { token: true } });
    return row ? { id: row.id, tokenId: row.tokenId, createdAt: row.createdAt, expiresAt: row.expiresAt, revokedAt: row.revokedAt, token: toTokenRecord(row.token) } : null;
  }

  /** Marks the session revoked (the first revocation time stays); false when there is no such session. */
  async revoke(tx: Tx, id: string, at: Date): Promise<boolean> {
    if (!uuid.test(id)) return false;
    await tx.dashboardSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return (await tx.dashboardSession.count({ where: { id } })) === 1;
  }

  /** Sessions that ended (expired or revoked) before `before`: kept a while for inspection, then deleted. */
  async deleteEnded(before: Date): Promise<number> {
    const { count } = await this.prisma.dashboardSession.deleteMany({ where: { OR: [{ expiresAt: { lt: before } }, { revokedAt: { lt: before } }] } });
    return count;
  }
}
