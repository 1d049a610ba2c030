import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type FieldError,
  type FreezeSchedule,
  type FreezeWindow,
  freezeCovers,
  freezeScheduleErrors,
  freezeVerdict,
  parseDuration,
  type RequestContext,
} from '@cutover/domain';
import { AuditRepository, type FreezeOverrideRecord, type FreezeWindowRecord, FreezeWindowRepository, TransactionRunner } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { limitOf } from '../../common/pagination/page-query.dto';
import { decodeCursor, toPage, type Page } from '../../common/pagination/pagination.rules';
import type { CreateFreezeWindowDto, FreezeWindowsQuery } from './dto/freeze-window.dto';
import { FreezeCalendar } from './freeze-calendar.service';
import type { FreezeWindowModel } from './models/freeze-window.model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 date-time with an explicit zone: a freeze boundary read in the server's local zone would be a trap. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(text: string | undefined): number | null {
  if (text === undefined) return null;
  return ISO_WITH_ZONE.test(text) ? Date.parse(text) : Number.NaN;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The deployment request a freeze is judged for. */
export interface FreezeCheck {
  app: string;
  environment: string;
  kind: 'deploy' | 'rollback';
  override: { reason: string } | null;
}

/** Freeze windows (admin writes, everyone reads) and the rule every deployment create passes through. */
@Injectable()
export class FreezeWindowsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly windows: FreezeWindowRepository,
    private readonly audit: AuditRepository,
    private readonly calendar: FreezeCalendar,
  ) {}

  private toModel(w: FreezeWindowRecord, at: number): FreezeWindowModel {
    const s = w.schedule;
    const active = this.calendar.activeAt(w, at);
    const next = this.calendar.nextStart(w, at);
    return {
      id: w.id,
      name: w.name,
      apps: w.apps,
      environments: w.environments,
      cron: s.kind === 'recurring' ? s.cron : null,
      durationSeconds: s.kind === 'recurring' ? s.durationSeconds : null,
      timeZone: s.kind === 'recurring' ? s.timeZone : null,
      from: s.kind === 'absolute' ? new Date(s.from) : null,
      to: s.kind === 'absolute' ? new Date(s.to) : null,
      reason: w.reason,
      overrideRoles: w.overrideRoles,
      active: active !== null,
      activeFrom: active ? new Date(active.from) : null,
      activeUntil: active ? new Date(active.until) : null,
      nextStart: next === null ? null : new Date(next),
      createdBy: w.createdBy,
      createdAt: w.createdAt,
    };
  }

  /** Every rule is checked before anything is written; all broken ones are named at once. */
  private schedule(input: CreateFreezeWindowDto): FreezeSchedule {
    const errors: FieldError[] = [];
    let durationSeconds: number | null = null;
    if (input.duration !== undefined && input.duration !== null) {
      const parsed = parseDuration(input.duration);
      if (parsed === undefined) errors.push({ path: 'duration', rule: 'duration', message: 'duration must be like "48h", "90m", "3600s" or a number of seconds' });
      else durationSeconds = parsed;
    }
    const from = instant(input.from);
    const to = instant(input.to);
    if (errors.length === 0) {
      errors.push(...freezeScheduleErrors({ cron: input.cron ?? null, durationSeconds, timeZone: input.timeZone ?? null, from, to }));
    }
    if (input.cron !== undefined || input.timeZone !== undefined) errors.push(...this.calendar.scheduleErrors(input.cron, input.timeZone));
    if (errors.length > 0) throw DomainError.validation(errors);
    if (input.cron !== undefined) return { kind: 'recurring', cron: input.cron.trim(), durationSeconds: durationSeconds ?? 0, timeZone: input.timeZone ?? 'UTC' };
    return { kind: 'absolute', from: from ?? 0, to: to ?? 0 };
  }

  async create(ctx: RequestContext, input: CreateFreezeWindowDto): Promise<FreezeWindowModel> {
    const schedule = this.schedule(input);
    const draft: Omit<FreezeWindow, 'id'> = {
      name: input.name,
      apps: [...new Set(input.apps ?? [])],
      environments: [...new Set(input.environments ?? [])],
      schedule,
      reason: input.reason.trim(),
      overrideRoles: [...new Set(input.overrideRoles ?? [])],
    };
    return this.tx.run(async (tx) => {
      const created = await this.windows.create(tx, { ...draft, createdBy: ctx.actor.name });
      if (!created) throw DomainError.conflict(`A freeze window named "${input.name}" already exists.`, { resource: 'freeze-window', name: input.name });
      await this.audit.append(tx, auditEntry(ctx, { action: 'freeze-window.create', resourceType: 'freeze-window', resourceId: created.id, input, reason: draft.reason }));
      return this.toModel(created, Date.now());
    });
  }

  /** `at` given: only the windows in force then. Without it: every window, with its state now. */
  async list(query: FreezeWindowsQuery): Promise<Page<FreezeWindowModel>> {
    let at = Date.now();
    if (query.at !== undefined && query.at !== 'now') {
      const parsed = instant(query.at);
      if (parsed === null || Number.isNaN(parsed)) {
        throw new DomainError('BAD_REQUEST', 'at must be an ISO 8601 date-time with a zone (e.g. 2026-12-24T12:00:00Z) or "now".', [
          { path: 'at', rule: 'dateTime', message: 'at must be an ISO 8601 date-time with a zone, or "now"' },
        ]);
      }
      at = parsed;
    }
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['name'] as const);
    const all = (await this.windows.all()).map((w) => this.toModel(w, at));
    const rows = all.filter((m) => (query.at === undefined || m.active) && (after === undefined || m.name > after.name));
    return toPage(rows.slice(0, limit + 1), limit, (last) => ({ name: last.name }));
  }

  async get(id: string): Promise<FreezeWindowModel> {
    const w = UUID.test(id) ? await this.windows.findById(id) : null;
    if (!w) throw DomainError.notFound('freeze window', id);
    return this.toModel(w, Date.now());
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    if (!UUID.test(id)) throw DomainError.notFound('freeze window', id);
    await this.tx.run(async (tx) => {
      const removed = await this.windows.delete(tx, id);
      if (!removed) throw DomainError.notFound('freeze window', id);
      await this.audit.append(tx, auditEntry(ctx, { action: 'freeze-window.delete', resourceType: 'freeze-window', resourceId: removed.id, input: { name: removed.name } }));
    });
  }

  /** The freezes in force at `at` that cover this app and environment (for plans and dashboards). */
  async activeFor(app: string, environment: string, at = Date.now()): Promise<Array<{ name: string; until: string }>> {
    return this.calendar
      .allActiveAt(await this.windows.all(), at)
      .filter((a) => freezeCovers(a.window, app, environment))
      .map((a) => ({ name: a.window.name, until: iso(a.until) }));
  }

  /**
   * Whether a deployment may be created now. Refuses (409, naming the window and when it ends) inside a freeze;
   * with `override` from a role allowed to break the glass, answers the mark the deployment and its audit carry.
   */
  async admit(ctx: RequestContext, check: FreezeCheck, at = Date.now()): Promise<FreezeOverrideRecord | null> {
    const active = this.calendar.allActiveAt(await this.windows.all(), at);
    const verdict = freezeVerdict(active, { ...check, role: ctx.actor.role }, iso);
    if (!verdict.ok) {
      const first = verdict.blocking[0]!;
      const details = {
        freezeWindow: first.window.name,
        frozenUntil: iso(first.until),
        windows: verdict.blocking.map((b) => ({ id: b.window.id, name: b.window.name, reason: b.window.reason, until: iso(b.until) })),
      };
      if (verdict.code === 'OVERRIDE_FORBIDDEN') throw new DomainError('FORBIDDEN', verdict.message, [{ path: 'override', rule: 'freezeOverride', message: verdict.message }], details);
      throw DomainError.conflict(verdict.message, details);
    }
    if (verdict.overridden.length === 0 || check.override === null) return null;
    return {
      reason: check.override.reason,
      by: ctx.actor.name,
      role: ctx.actor.role,
      windows: verdict.overridden.map((b) => ({ id: b.window.id, name: b.window.name, until: iso(b.until) })),
    };
  }
}
