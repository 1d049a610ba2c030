// Freeze windows: when deployments to an app/environment are refused, who may break the glass, and how long a
// recurring window lasts. Pure: the api turns a cron expression into occurrence instants (in the window's IANA
// time zone) and hands them in with the time to judge; nothing here reads a clock or parses a cron expression.
import type { FieldError } from '../../model/errors/domain.errors';
import type { Role } from '../../model/context/request-context.types';

/** Shortest and longest a freeze may last (a recurring window's `duration`, an absolute window's from → to). */
export const MIN_FREEZE_SECONDS = 60;
export const MAX_FREEZE_SECONDS = 366 * 24 * 3600;

export type FreezeSchedule =
  /** Starts at each occurrence of `cron` in `timeZone` and lasts `durationSeconds`. */
  | { kind: 'recurring'; cron: string; durationSeconds: number; timeZone: string }
  /** From `from` (inclusive) to `to` (exclusive), epoch ms. */
  | { kind: 'absolute'; from: number; to: number };

export interface FreezeWindow {
  id: string;
  name: string;
  /** Empty = every app. */
  apps: string[];
  /** Empty = every environment. */
  environments: string[];
  schedule: FreezeSchedule;
  reason: string;
  /** Roles besides admin that may override (break glass); admin always may. */
  overrideRoles: Role[];
}

/** A window in force at the judged instant: since when and until when (a chain of overlapping occurrences counts as one). */
export interface ActiveFreeze {
  window: FreezeWindow;
  from: number;
  until: number;
}

/** What a create form gives (times already epoch ms, or NaN when they did not parse). */
export interface FreezeWindowDraft {
  cron?: string | null;
  durationSeconds?: number | null;
  timeZone?: string | null;
  from?: number | null;
  to?: number | null;
}

function given<T>(v: T | null | undefined): v is T {
  return v !== undefined && v !== null;
}

/**
 * The rules between fields: a window is either recurring (cron + duration, optional time zone) or absolute
 * (from + to), never both, never neither. Whether the cron expression and the time zone parse is the api's check.
 */
export function freezeScheduleErrors(d: FreezeWindowDraft): FieldError[] {
  const errors: FieldError[] = [];
  const recurring = given(d.cron) || given(d.durationSeconds) || given(d.timeZone);
  const absolute = given(d.from) || given(d.to);
  if (recurring && absolute) {
    errors.push({ path: 'cron', rule: 'oneOf', message: 'give either cron + duration (recurring) or from + to (absolute), not both' });
    return errors;
  }
  if (!recurring && !absolute) {
    errors.push({ path: 'cron', rule: 'oneOf', message: 'give either cron + duration (recurring) or from + to (absolute)' });
    return errors;
  }
  if (recurring) {
    if (!given(d.cron)) errors.push({ path: 'cron', rule: 'required', message: 'a recurring window needs a cron expression' });
    if (!given(d.durationSeconds)) errors.push({ path: 'duration', rule: 'required', message: 'a recurring window needs a duration, e.g. "48h"' });
    else if (!Number.isFinite(d.durationSeconds) || d.durationSeconds < MIN_FREEZE_SECONDS || d.durationSeconds > MAX_FREEZE_SECONDS) {
      errors.push({ path: 'duration', rule: 'range', message: `duration must be between ${MIN_FREEZE_SECONDS}s and ${MAX_FREEZE_SECONDS / 86_400} days` });
    }
    return errors;
  }
  if (!given(d.from)) errors.push({ path: 'from', rule: 'required', message: 'an absolute window needs from (ISO 8601 with a zone)' });
  else if (Number.isNaN(d.from)) errors.push({ path: 'from', rule: 'dateTime', message: 'from must be an ISO 8601 date-time with a zone, e.g. 2026-12-24T00:00:00Z' });
  if (!given(d.to)) errors.push({ path: 'to', rule: 'required', message: 'an absolute window needs to (ISO 8601 with a zone)' });
  else if (Number.isNaN(d.to)) errors.push({ path: 'to', rule: 'dateTime', message: 'to must be an ISO 8601 date-time with a zone, e.g. 2026-12-27T00:00:00Z' });
  if (errors.length === 0 && given(d.from) && given(d.to)) {
    const seconds = (d.to - d.from) / 1000;
    if (seconds <= 0) errors.push({ path: 'to', rule: 'after', message: 'to must be after from' });
    else if (seconds < MIN_FREEZE_SECONDS || seconds > MAX_FREEZE_SECONDS) {
      errors.push({ path: 'to', rule: 'range', message: `a window lasts between ${MIN_FREEZE_SECONDS}s and ${MAX_FREEZE_SECONDS / 86_400} days` });
    }
  }
  return errors;
}

/** Whether a window covers this app and environment (an empty list covers all). */
export function freezeCovers(w: Pick<FreezeWindow, 'apps' | 'environments'>, app: string, environment: string): boolean {
  return (w.apps.length === 0 || w.apps.includes(app)) && (w.environments.length === 0 || w.environments.includes(environment));
}

/**
 * The stretch of frozen time containing `at` made of occurrences `starts` (epoch ms, any order) each lasting
 * `durationMs`: occurrences that overlap or touch are one freeze, so "until" is when deploying is possible again.
 * Null when `at` is in none of them.
 */
export function recurringInterval(starts: readonly number[], durationMs: number, at: number): { from: number; until: number } | null {
  const sorted = [...new Set(starts)].sort((a, b) => a - b);
  let from: number | null = null;
  let until = -Infinity;
  for (const s of sorted) {
    if (from !== null && s <= until) {
      until = Math.max(until, s + durationMs);
      continue;
    }
    if (from !== null && from <= at && at < until) break;
    from = s;
    until = s + durationMs;
  }
  return from !== null && from <= at && at < until ? { from, until } : null;
}

/** The interval of an absolute window containing `at`, or null. */
export function absoluteInterval(s: Extract<FreezeSchedule, { kind: 'absolute' }>, at: number): { from: number; until: number } | null {
  return s.from <= at && at < s.to ? { from: s.from, until: s.to } : null;
}

export interface FreezeRequest {
  app: string;
  environment: string;
  /** Rollbacks (and aborts, which never create a deployment) are always allowed. */
  kind: 'deploy' | 'rollback';
  role: Role | 'system';
  /** The break-glass: `override: {reason}` in the request. */
  override: { reason: string } | null;
}

export type FreezeVerdict =
  | { ok: true; overridden: ActiveFreeze[] }
  | { ok: false; code: 'FROZEN' | 'OVERRIDE_FORBIDDEN'; message: string; blocking: ActiveFreeze[] };

function describe(a: ActiveFreeze, iso: (ms: number) => string): string {
  return `"${a.window.name}" until ${iso(a.until)} (${a.window.reason})`;
}

/** Who may override every window that blocks: admin always, or a role all of them name. */
export function mayOverride(role: Role | 'system', blocking: readonly ActiveFreeze[]): boolean {
  if (role === 'admin') return true;
  if (role === 'system') return false;
  return blocking.every((a) => a.window.overrideRoles.includes(role));
}

/**
 * Whether the request may create a deployment now. `active` are the windows in force at the judged instant (any
 * app or environment: the rule filters). `iso` renders an instant for the message (the api's clock format).
 */
export function freezeVerdict(active: readonly ActiveFreeze[], req: FreezeRequest, iso: (ms: number) => string): FreezeVerdict {
  const blocking = active.filter((a) => freezeCovers(a.window, req.app, req.environment)).sort((a, b) => b.until - a.until);
  if (blocking.length === 0 || req.kind === 'rollback') return { ok: true, overridden: [] };
  const names = blocking.map((a) => describe(a, iso)).join(', ');
  if (req.override === null) {
    return {
      ok: false,
      code: 'FROZEN',
      message: `Deployments to ${req.app}/${req.environment} are frozen by ${names}; rollbacks and aborts are allowed, or an admin may pass override: {reason}.`,
      blocking,
    };
  }
  if (!mayOverride(req.role, blocking)) {
    const roles = [...new Set(['admin', ...blocking.flatMap((a) => a.window.overrideRoles)])];
    return {
      ok: false,
      code: 'OVERRIDE_FORBIDDEN',
      message: `Only ${roles.join(' or ')} may override the freeze ${names}; you are ${req.role}.`,
      blocking,
    };
  }
  return { ok: true, overridden: blocking };
}
