import { Injectable } from '@nestjs/common';
import { type ChannelFilters, isNotificationType } from '@cutover/domain';
import type { NotificationChannel } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

/** Binds a channel's sealed URL and secret to its row (SecretBox aad): the api seals, the worker opens. */
export function channelUrlAad(channelId: string): string {
  return `notification-channel:${channelId}:url`;
}
export function channelSecretAad(channelId: string): string {
  return `notification-channel:${channelId}:secret`;
}

export type ChannelKind = 'webhook' | 'slack';

/** A channel without its URL and secret: what everything but delivery sees. */
export interface NotificationChannelRecord {
  id: string;
  name: string;
  kind: ChannelKind;
  urlOrigin: string;
  hasSecret: boolean;
  filters: ChannelFilters;
  enabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The sealed URL and secret, for the delivery processor only. */
export interface SealedChannel {
  channel: NotificationChannelRecord;
  url: Buffer;
  secret: Buffer | null;
}

export interface NewNotificationChannel {
  /** Chosen by the caller so the sealed URL and secret can be bound to it. */
  id: string;
  name: string;
  kind: ChannelKind;
  url: Buffer;
  urlOrigin: string;
  secret: Buffer | null;
  filters: ChannelFilters;
  createdBy: string;
}

export interface NotificationChannelPatch {
  name?: string;
  url?: Buffer;
  urlOrigin?: string;
  /** null removes the secret. */
  secret?: Buffer | null;
  filters?: ChannelFilters;
  /** true re-enables (and forgets the failures); false disables by hand. */
  enabled?: boolean;
  disabledReason?: string | null;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

export function filtersOf(value: unknown): ChannelFilters {
  const f = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  const apps = strings(f.apps);
  const environments = strings(f.environments);
  const events = strings(f.events)?.filter(isNotificationType);
  return { ...(apps ? { apps } : {}), ...(environments ? { environments } : {}), ...(events ? { events } : {}) };
}

function toRecord(row: NotificationChannel): NotificationChannelRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === 'slack' ? 'slack' : 'webhook',
    urlOrigin: row.urlOrigin,
    hasSecret: row.secret !== null,
    filters: filtersOf(row.filters),
    enabled: row.enabled,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const bytes = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b);

@Injectable()
export class NotificationChannelRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws Prisma's unique violation (P2002) when the name is taken. */
  async create(tx: Tx, c: NewNotificationChannel): Promise<NotificationChannelRecord> {
    const row = await tx.notificationChannel.create({
      data: { ...c, url: bytes(c.url), secret: c.secret ? bytes(c.secret) : null, filters: { ...c.filters } },
    });
    return toRecord(row);
  }

  async findById(id: string, tx?: Tx): Promise<NotificationChannelRecord | null> {
    const row = await (tx ?? this.prisma).notificationChannel.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async lock(tx: Tx, id: string): Promise<NotificationChannelRecord | null> {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "NotificationChannel" WHERE "id" = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    return this.findById(id, tx);
  }

  async findSealed(id: string): Promise<SealedChannel | null> {
    const row = await this.prisma.notificationChannel.findUnique({ where: { id } });
    return row ? { channel: toRecord(row), url: Buffer.from(row.url), secret: row.secret ? Buffer.from(row.secret) : null } : null;
  }

  /** By name, `take` rows after `afterName`. */
  async list(take: number, afterName?: string): Promise<NotificationChannelRecord[]> {
    const rows = await this.prisma.notificationChannel.findMany({
      where: afterName !== undefined ? { name: { gt: afterName } } : {},
      orderBy: { name: 'asc' },
      take,
    });
    return rows.map(toRecord);
  }

  /** Every enabled channel: the dispatcher matches each event against their filters (there are few channels). */
  async listEnabled(tx?: Tx): Promise<NotificationChannelRecord[]> {
    const rows = await (tx ?? this.prisma).notificationChannel.findMany({ where: { enabled: true }, orderBy: { name: 'asc' } });
    return rows.map(toRecord);
  }

  /** Throws P2002 when renamed onto a taken name. */
  async update(tx: Tx, id: string, patch: NotificationChannelPatch): Promise<NotificationChannelRecord> {
    const { url, secret, filters, enabled, disabledReason, ...rest } = patch;
    const row = await tx.notificationChannel.update({
      where: { id },
      data: {
        ...rest,
        ...(url !== undefined ? { url: bytes(url) } : {}),
        ...(secret !== undefined ? { secret: secret === null ? null : bytes(secret) } : {}),
        ...(filters !== undefined ? { filters: { ...filters } } : {}),
        ...(enabled === true ? { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0 } : {}),
        ...(enabled === false ? { enabled: false, disabledAt: new Date(), disabledReason: disabledReason ?? 'disabled by hand' } : {}),
      },
    });
    return toRecord(row);
  }

  async delete(tx: Tx, id: string): Promise<boolean> {
    const { count } = await tx.notificationChannel.deleteMany({ where: { id } });
    return count === 1;
  }

  /** A delivery reached the receiver: the failure streak ends. */
  async recordSuccess(id: string): Promise<void> {
    await this.prisma.notificationChannel.updateMany({ where: { id, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } });
  }

  /**
   * A delivery ran out of attempts: one more failure in a row, under the row lock. Returns the channel, and whether
   * this failure crossed `disableAfter` and disabled it (only the one call that crossed it says so).
   */
  async recordFailure(tx: Tx, id: string, disableAfter: number, reason: string): Promise<{ channel: NotificationChannelRecord; disabledNow: boolean } | null> {
    const before = await this.lock(tx, id);
    if (!before) return null;
    const failures = before.consecutiveFailures + 1;
    const disabledNow = before.enabled && failures >= disableAfter;
    const row = await tx.notificationChannel.update({
      where: { id },
      data: {
        consecutiveFailures: failures,
        ...(disabledNow ? { enabled: false, disabledAt: new Date(), disabledReason: reason } : {}),
      },
    });
    return { channel: toRecord(row), disabledNow };
  }
}
