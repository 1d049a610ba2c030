// Small readers for strategy documents. Each collects FieldErrors instead of throwing, so one answer lists
// every broken rule with its path.
import type { FieldError } from '../errors/domain.errors';

export type Json = Record<string, unknown>;

export class FieldReader {
  readonly errors: FieldError[] = [];

  fail(path: string, rule: string, message: string): undefined {
    this.errors.push({ path, rule, message });
    return undefined;
  }

  /** An object whose keys are all in `allowed`; unknown keys are reported one by one. */
  object(value: unknown, path: string, allowed: readonly string[]): Json | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, 'type', `${path} must be an object.`);
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`${path}.${key}`, 'unknown-field', `${path}.${key} is not a known field.`);
    }
    return value as Json;
  }

  string(value: unknown, path: string): string | undefined {
    if (typeof value !== 'string' || value.trim() === '') return this.fail(path, 'type', `${path} must be a non-empty string.`);
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (typeof value !== 'boolean') return this.fail(path, 'type', `${path} must be true or false.`);
    return value;
  }

  integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.fail(path, 'type', `${path} must be an integer.`);
    if (value < min || value > max) {
      const upper = max === Number.MAX_SAFE_INTEGER ? '' : `..${max}`;
      return this.fail(path, 'range', `${path} must be within ${min}${upper}.`);
    }
    return value;
  }

  duration(value: unknown, path: string): number | undefined {
    const seconds = parseDuration(value);
    if (seconds === undefined) {
      return this.fail(path, 'duration', `${path} must be seconds (a number) or a duration like "30s", "5m", "1h30m".`);
    }
    return seconds;
  }

  intOrPercent(value: unknown, path: string, maxPercent: number): { value: string | number; zero: boolean } | undefined {
    if (typeof value === 'number') {
      const n = this.integer(value, path, 0);
      return n === undefined ? undefined : { value: n, zero: n === 0 };
    }
    if (typeof value === 'string') {
      const match = /^(\d{1,4})%$/.exec(value.trim());
      if (!match) return this.fail(path, 'int-or-percent', `${path} must be a pod count or a percentage like "25%".`);
      const percent = Number(match[1]);
      if (percent > maxPercent) return this.fail(path, 'range', `${path} must be within 0%..${maxPercent}%.`);
      return { value: `${percent}%`, zero: percent === 0 };
    }
    return this.fail(path, 'int-or-percent', `${path} must be a pod count or a percentage like "25%".`);
  }
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** Seconds (a non-negative number) or a Go-like duration string ("30s", "5m", "1h", "1h30m"); undefined when invalid. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(text) || text === '') return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([hms])/g)) seconds += Number(amount) * UNIT_SECONDS[unit];
  return seconds;
}

/** Resolves an int-or-percent against a replica count the way Kubernetes does (surge rounds up, unavailable down). */
export function resolveIntOrPercent(value: string | number, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  const exact = (replicas * percent) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
