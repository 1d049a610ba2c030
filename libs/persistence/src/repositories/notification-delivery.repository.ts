import { Injectable } from '@nestjs/common';
import type { NotificationDelivery, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped';

export interface NotificationDeliveryRecord {
  id: string;
  channelId: string;
  eventId: string;
  eventType: string;
  deploymentId: string | null;
  payload: Prisma.JsonValue;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  latencyMs: number | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
}

export interface NewDelivery {
  channelId: string;
  eventId: string;
  eventType: string;
  deploymentId: string | null;
  payload: Prisma.InputJsonValue;
}

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** When not ok: no attempt is left, the delivery is failed for good. */
  final: boolean;
}

const statuses: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'skipped'];

function toRecord(row: NotificationDelivery): NotificationDeliveryRecord {
  return { ...row, status: (statuses as readonly string[]).includes(row.status) ? (row.status as DeliveryStatus) : 'pending' };
}

@Injectable()
export class NotificationDeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One delivery per (channel, event): a second insert of the same pair (a dispatcher that re-read events after a
   * crash) is skipped. Returns only the deliveries created now, which are the ones to enqueue.
   */
  async insertNew(tx: Tx, deliveries: NewDelivery[]): Promise<NotificationDeliveryRecord[]> {
    if (deliveries.length === 0) return [];
    const rows = await tx.notificationDelivery.createManyAndReturn({ data: deliveries, skipDuplicates: true });
    return rows.map(toRecord);
  }

  async findById(id: string): Promise<NotificationDeliveryRecord | null> {
    const row = await this.prisma.notificationDelivery.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Newest first, keyset by (createdAt, id). */
  async listByChannel(channelId: string, take: number, after?: { createdAt: Date; id: string }): Promise<NotificationDeliveryRecord[]> {
    const rows = await this.prisma.notificationDelivery.findMany({
      where: {
        channelId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toRecord);
  }

  /** Records one attempt; a success or a final failure ends the delivery. Only a pending delivery changes. */
  async recordAttempt(id: string, result: AttemptResult): Promise<NotificationDeliveryRecord | null> {
    const now = new Date();
    const { count } = await this.prisma.notificationDelivery.updateMany({
      where: { id, status: 'pending' },
      data: {
        attempts: { increment: 1 },
        lastAttemptAt: now,
        latencyMs: Math.round(result.latencyMs),
        lastStatusCode: result.statusCode,
        lastError: result.ok ? null : result.error,
        ...(result.ok ? { status: 'delivered', deliveredAt: now } : result.final ? { status: 'failed' } : {}),
      },
    });
    return count === 1 ? this.findById(id) : null;
  }

  /** The channel was disabled or deleted meanwhile: the delivery will not be tried. */
  async skip(id: string, reason: string): Promise<void> {
    await this.prisma.notificationDelivery.updateMany({ where: { id, status: 'pending' }, data: { status: 'skipped', lastError: reason } });
  }

  /** Redeliver: the delivery becomes pending again with its attempts kept (they are history); false when still pending. */
  async reopen(tx: Tx, id: string): Promise<NotificationDeliveryRecord | null> {
    const { count } = await tx.notificationDelivery.updateMany({ where: { id, status: { not: 'pending' } }, data: { status: 'pending', deliveredAt: null } });
    if (count === 0) return null;
    const row = await tx.notificationDelivery.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Pending deliveries created before `before`: the sweeper re-enqueues any whose job was lost with Redis. */
  async pendingBefore(before: Date, take: number): Promise<Array<{ id: string; channelId: string }>> {
    return this.prisma.notificationDelivery.findMany({
      where: { status: 'pending', createdAt: { lt: before } },
      select: { id: true, channelId: true },
      orderBy: { createdAt: 'asc' },
      take,
    });
  }
}

/** Where the notification dispatcher is in the committed event feed; one row per dispatcher scope. */
@Injectable()
export class NotificationCursorRepository {
  /**
   * Serialises dispatchers of one scope (an advisory lock held to the end of the transaction, which takes no
   * transaction id, so it does not hold back the feed's horizon), then reads the position. null when another
   * dispatcher holds the scope: it is doing the work.
   */
  async tryLock(tx: Tx, name: string): Promise<bigint | null> {
    const [lock] = await tx.$queryRaw<Array<{ ok: boolean }>>`SELECT pg_try_advisory_xact_lock(hashtextextended(${`notification-cursor:${name}`}, 0)) AS "ok"`;
    if (!lock?.ok) return null;
    const row = await tx.notificationCursor.findUnique({ where: { name } });
    return row ? row.position : 0n;
  }

  async save(tx: Tx, name: string, position: bigint): Promise<void> {
    await tx.notificationCursor.upsert({ where: { name }, create: { name, position }, update: { position } });
  }
}
