// Small readers over untrusted JSON. Each one records every broken rule in `Issues` (never throws, never stops at
// the first) and returns either the clean value or `undefined`, so validators read like the shape they accept.
import type { FieldError } from '../errors/domain.errors';

export class Issues {
  readonly errors: FieldError[] = [];

  add(path: string, rule: string, message: string): void {
    this.errors.push({ path, rule, message });
  }

  get count(): number {
    return this.errors.length;
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `podSpec` + `containers` → `podSpec.containers`; keys that are not identifiers are quoted: `podLabels["a/b"]`. */
export function at(base: string, key: string): string {
  if (IDENTIFIER.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

export function idx(base: string, i: number): string {
  return `${base}[${i}]`;
}

/** JSON `null` means "not given", as it does for Kubernetes' optional fields. */
export function isAbsent(v: unknown): v is undefined | null {
  return v === undefined || v === null;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** Reads an object and reports each key outside `allowed` as `unknown-field` at its own path. Absent is fine unless `required`. */
export function readObject(
  v: unknown,
  path: string,
  allowed: readonly string[],
  issues: Issues,
  opts: { required?: boolean } = {},
): Record<string, unknown> | undefined {
  if (isAbsent(v)) {
    if (opts.required) issues.add(path, 'required', 'is required');
    return undefined;
  }
  if (!isPlainObject(v)) {
    issues.add(path, 'type', `must be an object, not ${describe(v)}`);
    return undefined;
  }
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) issues.add(at(path, key), 'unknown-field', `unknown field "${key}"`);
  }
  return v;
}

export function required(v: unknown, path: string, issues: Issues): boolean {
  if (isAbsent(v)) {
    issues.add(path, 'required', 'is required');
    return false;
  }
  return true;
}

export interface StringRule {
  required?: boolean;
  /** Empty string counts as missing for required fields. */
  nonEmpty?: boolean;
  maxLength?: number;
  check?: { rule: string; test: (s: string) => boolean; message: string };
}

export function readString(v: unknown, path: string, issues: Issues, rule: StringRule = {}): string | undefined {
  if (isAbsent(v)) {
    if (rule.required) issues.add(path, 'required', 'is required');
    return undefined;
  }
  if (typeof v !== 'string') {
    issues.add(path, 'type', `must be a string, not ${describe(v)}`);
    return undefined;
  }
  if (v === '' && (rule.nonEmpty || rule.required)) {
    issues.add(path, 'required', 'must not be empty');
    return undefined;
  }
  if (rule.maxLength !== undefined && v.length > rule.maxLength) {
    issues.add(path, 'max-length', `must be at most ${rule.maxLength} characters (got ${v.length})`);
    return undefined;
  }
  if (rule.check && !rule.check.test(v)) {
    issues.add(path, rule.check.rule, rule.check.message);
    return undefined;
  }
  return v;
}

export interface IntRule {
  required?: boolean;
  min: number;
  max: number;
}

export function readInt(v: unknown, path: string, issues: Issues, rule: IntRule): number | undefined {
  if (isAbsent(v)) {
    if (rule.required) issues.add(path, 'required', 'is required');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    issues.add(path, 'type', `must be an integer, not ${describe(v)}`);
    return undefined;
  }
  if (v < rule.min || v > rule.max) {
    issues.add(path, 'range', `must be between ${rule.min} and ${rule.max} (got ${v})`);
    return undefined;
  }
  return v;
}

export function readBool(v: unknown, path: string, issues: Issues): boolean | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v !== 'boolean') {
    issues.add(path, 'type', `must be a boolean, not ${describe(v)}`);
    return undefined;
  }
  return v;
}

export function readEnum<T extends string>(
  v: unknown,
  path: string,
  values: readonly T[],
  issues: Issues,
): T | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    issues.add(path, 'enum', `must be one of ${values.join(', ')}`);
    return undefined;
  }
  return v as T;
}

export function readArray(
  v: unknown,
  path: string,
  issues: Issues,
  opts: { required?: boolean; minItems?: number } = {},
): unknown[] | undefined {
  if (isAbsent(v)) {
    if (opts.required) issues.add(path, 'required', 'is required');
    return undefined;
  }
  if (!Array.isArray(v)) {
    issues.add(path, 'type', `must be an array, not ${describe(v)}`);
    return undefined;
  }
  if (opts.minItems !== undefined && v.length < opts.minItems) {
    issues.add(path, 'min-items', `must have at least ${opts.minItems} item(s)`);
    return undefined;
  }
  return v;
}

/** An array of strings; `undefined` when absent, invalid or empty (empty lists are omitted in canonical form). */
export function readStringList(v: unknown, path: string, issues: Issues): string[] | undefined {
  const list = readArray(v, path, issues);
  if (!list) return undefined;
  const out: string[] = [];
  list.forEach((item, i) => {
    if (typeof item !== 'string') issues.add(idx(path, i), 'type', `must be a string, not ${describe(item)}`);
    else out.push(item);
  });
  return out.length ? out : undefined;
}

/** Reports `name` as `unique` at every occurrence after the first. */
export function checkUnique(entries: Array<{ name: string | undefined; path: string }>, what: string, issues: Issues): void {
  const seen = new Set<string>();
  for (const { name, path } of entries) {
    if (name === undefined) continue;
    if (seen.has(name)) issues.add(path, 'unique', `${what} "${name}" is used more than once`);
    seen.add(name);
  }
}

/** Exactly one of `keys` is present on `obj`; reports `one-of` at `path` otherwise. */
export function exactlyOne(obj: Record<string, unknown>, keys: readonly string[], path: string, issues: Issues): string | undefined {
  const present = keys.filter((k) => !isAbsent(obj[k]));
  if (present.length === 1) return present[0];
  issues.add(
    path,
    'one-of',
    present.length === 0 ? `must set exactly one of ${keys.join(', ')}` : `sets ${present.join(' and ')}; set exactly one of ${keys.join(', ')}`,
  );
  return undefined;
}
