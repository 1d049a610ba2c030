import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';
import { isUniqueViolation } from './application.repository';

export interface IdempotencyRecordData {
  scope: string;
  key: string;
  requestHash: string;
  status: number;
  response: Prisma.JsonValue;
  createdAt: Date;
}

/** The first answer to an `Idempotency-Key`, per caller (scope) and key. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(scope: string, key: string, tx?: Tx): Promise<IdempotencyRecordData | null> {
    const row = await (tx ?? this.prisma).idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
    return row ? { scope: row.scope, key: row.key, requestHash: row.requestHash, status: row.status, response: row.response, createdAt: row.createdAt } : null;
  }

  /** Forgets a record older than `before` (its window has passed), so the key can be used again. */
  async deleteIfOlder(scope: string, key: string, before: Date): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { scope, key, createdAt: { lt: before } } });
  }

  /**
   * Records the answer inside the transaction that made the change, so both commit or neither. `false` when a
   * concurrent request with the same key committed first: its transaction's unique insert wins, the caller rolls
   * back and answers from that record instead.
   */
  async record(tx: Tx, data: Omit<IdempotencyRecordData, 'createdAt'>): Promise<boolean> {
    await tx.$executeRaw`SAVEPOINT idempotency_record`;
    try {
      await tx.idempotencyRecord.create({
        data: { scope: data.scope, key: data.key, requestHash: data.requestHash, status: data.status, response: data.response as Prisma.InputJsonValue },
      });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT idempotency_record`;
      return false;
    }
  }
}
