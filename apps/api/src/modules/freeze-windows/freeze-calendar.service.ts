import { Injectable } from '@nestjs/common';
import { Cron } from 'croner';
import { type ActiveFreeze, type FieldError, type FreezeWindow, absoluteInterval, recurringInterval } from '@cutover/domain';

/** Occurrences asked of croner around an instant: enough to chain overlapping ones, bounded for an every-minute cron. */
const OCCURRENCES = 64;

function cronOf(expression: string, timeZone: string): Cron {
  // No callback: croner only computes occurrences, it schedules nothing.
  return new Cron(expression, { timezone: timeZone, paused: true });
}

/**
 * The clock side of freeze windows: turns a window's cron expression into occurrence instants in its IANA time zone
 * (croner) and asks the pure rules (libs/domain) whether an instant falls in one.
 */
@Injectable()
export class FreezeCalendar {
  /** The field errors of a cron expression and a time zone that do not parse (empty when both do). */
  scheduleErrors(cron: string | undefined, timeZone: string | undefined): FieldError[] {
    const errors: FieldError[] = [];
    if (timeZone !== undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone });
      } catch {
        errors.push({ path: 'timeZone', rule: 'ianaTimeZone', message: `timeZone "${timeZone}" is not an IANA time zone (e.g. Europe/Berlin, UTC)` });
      }
    }
    if (cron !== undefined && errors.length === 0) {
      try {
        const next = cronOf(cron, timeZone ?? 'UTC').nextRun(new Date(0));
        if (next === null) errors.push({ path: 'cron', rule: 'cron', message: `cron "${cron}" never fires` });
      } catch (error) {
        const why = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
        errors.push({ path: 'cron', rule: 'cron', message: `cron "${cron}" does not parse: ${why.slice(0, 200)}` });
      }
    }
    return errors;
  }

  /** The freeze of `w` in force at `at` (ms), or null. */
  activeAt(w: FreezeWindow, at: number): ActiveFreeze | null {
    const s = w.schedule;
    if (s.kind === 'absolute') {
      const i = absoluteInterval(s, at);
      return i ? { window: w, ...i } : null;
    }
    const cron = cronOf(s.cron, s.timeZone);
    const durationMs = s.durationSeconds * 1000;
    // Starts at or before `at` that could still cover it, and the ones after it that could chain onto them.
    const before = cron.previousRuns(OCCURRENCES, new Date(at + 1)).map((d) => d.getTime()).filter((t) => t <= at && t > at - durationMs);
    if (before.length === 0) return null;
    const after = cron.nextRuns(OCCURRENCES, new Date(at)).map((d) => d.getTime());
    const i = recurringInterval([...before, ...after], durationMs, at);
    return i ? { window: w, ...i } : null;
  }

  /** Every window in force at `at`. */
  allActiveAt(windows: readonly FreezeWindow[], at: number): ActiveFreeze[] {
    return windows.map((w) => this.activeAt(w, at)).filter((a): a is ActiveFreeze => a !== null);
  }

  /** The next start strictly after `at`, or null (an absolute window that already began, a cron with no more runs). */
  nextStart(w: FreezeWindow, at: number): number | null {
    const s = w.schedule;
    if (s.kind === 'absolute') return s.from > at ? s.from : null;
    return cronOf(s.cron, s.timeZone).nextRun(new Date(at))?.getTime() ?? null;
  }
}
