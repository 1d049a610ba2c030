import { Injectable } from '@nestjs/common';
import type { FreezeSchedule, FreezeWindow, Role } from '@cutover/domain';
import type { FreezeWindow as FreezeWindowRow } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';

export interface FreezeWindowRecord extends FreezeWindow {
  createdBy: string;
  createdAt: Date;
}

export type NewFreezeWindow = Omit<FreezeWindow, 'id'> & { createdBy: string };

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function scheduleOf(row: FreezeWindowRow): FreezeSchedule {
  if (row.cron !== null) return { kind: 'recurring', cron: row.cron, durationSeconds: row.durationSeconds ?? 0, timeZone: row.timeZone ?? 'UTC' };
  return { kind: 'absolute', from: row.startsAt?.getTime() ?? 0, to: row.endsAt?.getTime() ?? 0 };
}

function toRecord(row: FreezeWindowRow): FreezeWindowRecord {
  return {
    id: row.id,
    name: row.name,
    apps: strings(row.apps),
    environments: strings(row.environments),
    schedule: scheduleOf(row),
    reason: row.reason,
    overrideRoles: strings(row.overrideRoles) as Role[],
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

/** Freeze windows: few rows (tens), read whole whenever a deployment is created. */
@Injectable()
export class FreezeWindowRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Null when the name is taken. */
  async create(tx: Tx, w: NewFreezeWindow): Promise<FreezeWindowRecord | null> {
    const taken = await tx.freezeWindow.findUnique({ where: { name: w.name } });
    if (taken) return null;
    const s = w.schedule;
    const row = await tx.freezeWindow.create({
      data: {
        name: w.name,
        apps: w.apps,
        environments: w.environments,
        ...(s.kind === 'recurring'
          ? { cron: s.cron, durationSeconds: s.durationSeconds, timeZone: s.timeZone }
          : { startsAt: new Date(s.from), endsAt: new Date(s.to) }),
        reason: w.reason,
        overrideRoles: w.overrideRoles,
        createdBy: w.createdBy,
      },
    });
    return toRecord(row);
  }

  async findById(id: string): Promise<FreezeWindowRecord | null> {
    const row = await this.prisma.freezeWindow.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Every window, by name (the set stays small: a freeze calendar, not a log). */
  async all(tx?: Tx): Promise<FreezeWindowRecord[]> {
    const rows = await (tx ?? this.prisma).freezeWindow.findMany({ orderBy: { name: 'asc' } });
    return rows.map(toRecord);
  }

  async delete(tx: Tx, id: string): Promise<FreezeWindowRecord | null> {
    const row = await tx.freezeWindow.findUnique({ where: { id } });
    if (!row) return null;
    await tx.freezeWindow.delete({ where: { id } });
    return toRecord(row);
  }
}
