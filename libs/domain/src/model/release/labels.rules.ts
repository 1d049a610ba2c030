// Label, annotation and node-selector maps. Exported for apps' labels, which follow the same syntax.
import { isLabelValue, isQualifiedName } from './k8s-syntax.rules';
import type { Validated } from '../errors/domain.errors';
import { Issues, at, isAbsent, isPlainObject } from './validation.rules';

/** Cutover owns these on every object it creates; a user value would break its selectors. */
const RESERVED_PREFIX = /^([a-z0-9-]+\.)*cutover\.dev\//;
const RESERVED_KEYS = new Set(['app.kubernetes.io/name', 'app.kubernetes.io/managed-by']);
const MAX_ANNOTATIONS_BYTES = 256 * 1024;
/**
 * Kubernetes bounds each label key and value (checked below) but not their number; Cutover caps it so a record's
 * labels stay a selector-sized map, not a 5,000-key document copied onto every object it creates.
 */
export const MAX_LABELS = 64;

export function isReservedLabelKey(key: string): boolean {
  return RESERVED_PREFIX.test(key) || RESERVED_KEYS.has(key);
}

function readStringMap(v: unknown, path: string, issues: Issues): Array<[string, string]> | undefined {
  if (isAbsent(v)) return undefined;
  if (!isPlainObject(v)) {
    issues.add(path, 'type', 'must be an object of string values');
    return undefined;
  }
  const entries: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string') issues.add(at(path, key), 'type', 'must be a string');
    else entries.push([key, value]);
  }
  return entries;
}

function toMap(entries: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) out[k] = v;
  return out;
}

export interface LabelRules {
  /** Refuse keys Cutover sets itself (pod labels). */
  reserved?: boolean;
}

/** Kubernetes label syntax for every key and value; `{}` when absent. */
export function readLabels(v: unknown, path: string, issues: Issues, rules: LabelRules = {}): Record<string, string> {
  const entries = readStringMap(v, path, issues) ?? [];
  if (entries.length > MAX_LABELS) {
    issues.add(path, 'max-items', `must have at most ${MAX_LABELS} labels (got ${entries.length})`);
    return {};
  }
  const valid: Array<[string, string]> = [];
  for (const [key, value] of entries) {
    const keyPath = at(path, key);
    const before = issues.count;
    if (!isQualifiedName(key)) {
      issues.add(keyPath, 'label-key', 'key must be [prefix/]name: name ≤63 alphanumerics, "-", "_", "." (starting and ending alphanumeric), prefix a DNS subdomain');
    } else if (rules.reserved && isReservedLabelKey(key)) {
      issues.add(keyPath, 'reserved', `"${key}" is set by Cutover; the cutover.dev/ prefix is reserved`);
    }
    if (!isLabelValue(value)) {
      issues.add(keyPath, 'label-value', 'value must be empty or ≤63 alphanumerics, "-", "_", "." starting and ending alphanumeric');
    }
    if (issues.count === before) valid.push([key, value]);
  }
  return toMap(valid);
}

/** Bytes of `s` in UTF-8, the unit of Kubernetes' 256 KiB limit (no Buffer here: libs/domain imports no node:). */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** Annotation keys follow label-key syntax; values are free text, ≤256 KiB in total. */
export function readAnnotations(v: unknown, path: string, issues: Issues): Record<string, string> {
  const entries = readStringMap(v, path, issues) ?? [];
  const valid: Array<[string, string]> = [];
  let bytes = 0;
  for (const [key, value] of entries) {
    bytes += utf8Length(key) + utf8Length(value);
    if (!isQualifiedName(key)) {
      issues.add(at(path, key), 'label-key', 'key must be [prefix/]name: name ≤63 alphanumerics, "-", "_", "." (starting and ending alphanumeric), prefix a DNS subdomain');
    } else {
      valid.push([key, value]);
    }
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) issues.add(path, 'max-length', 'annotations must total at most 256 KiB');
  return toMap(valid);
}

/** For other records' labels (apps, clusters): `{}` when absent, or every broken rule at `path["key"]`. */
export function validateLabels(v: unknown, path = 'labels'): Validated<Record<string, string>> {
  const issues = new Issues();
  const labels = readLabels(v, path, issues);
  return issues.count ? { ok: false, errors: issues.errors } : { ok: true, value: labels };
}
