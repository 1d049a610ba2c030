// Parses analysis documents (a strategy's `analysis` step, backgroundAnalysis, pre/postPromotionAnalysis, and an
// analysis template's metrics) into their normalised form. Conditions are compiled here, so a broken one is refused
// (422 naming the field) when the document is written, never discovered mid-rollout.
import { FieldReader, type Json } from '../strategy-document/strategy-fields.rules';
import { conditionError } from './analysis-condition.rules';
import { checkTemplatePlaceholders } from './analysis-resolve.rules';
import {
  providerTypes,
  type AnalysisMetric,
  type AnalysisRef,
  type HttpProvider,
  type JobProvider,
  type MetricProvider,
  type PrometheusProvider,
  type WebProvider,
} from './analysis.types';

export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
const MAX_METRICS = 20;
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const URL = /^https?:\/\/[^\s/]+/;


function seconds(r: FieldReader, o: Json, key: string, path: string, fallback: number, min = 0): number | undefined {
  if (o[key] === undefined || o[key] === null) return fallback;
  const s = r.duration(o[key], `${path}.${key}`);
  if (s === undefined) return undefined;
  if (s < min) return r.fail(`${path}.${key}`, 'range', `${path}.${key} must be at least ${min}s.`);
  return s;
}

function url(r: FieldReader, value: unknown, path: string): string | undefined {
  if (value === undefined) return r.fail(path, 'required', `${path} is required.`);
  const s = r.string(value, path);
  if (s !== undefined && !URL.test(s)) return r.fail(path, 'url', `${path} must be an http(s) URL.`);
  return s;
}

function stringList(r: FieldReader, value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return r.fail(path, 'type', `${path} must be a list of strings.`);
  return value as string[];
}

function prometheus(r: FieldReader, value: unknown, path: string): PrometheusProvider | undefined {
  const o = r.object(value, path, ['address', 'query', 'range', 'timeout']);
  if (!o) return undefined;
  const address = url(r, o.address, `${path}.address`);
  const query = o.query === undefined ? r.fail(`${path}.query`, 'required', `${path}.query is required.`) : r.string(o.query, `${path}.query`);
  let range: PrometheusProvider['range'] | undefined = null;
  if (o.range !== undefined && o.range !== null) {
    const rg = r.object(o.range, `${path}.range`, ['duration', 'step']);
    if (!rg) range = undefined;
    else {
      const window = rg.duration === undefined ? r.fail(`${path}.range.duration`, 'required', 'a range query needs a duration.') : seconds(r, rg, 'duration', `${path}.range`, 0, 1);
      const step = rg.step === undefined ? r.fail(`${path}.range.step`, 'required', 'a range query needs a step.') : seconds(r, rg, 'step', `${path}.range`, 0, 1);
      range = window !== undefined && step !== undefined ? { window, step } : undefined;
      if (range && step! > window!) r.fail(`${path}.range.step`, 'range', `${path}.range.step must not exceed the duration.`);
    }
  }
  const timeout = seconds(r, o, 'timeout', path, 10, 1);
  if (address === undefined || query === undefined || range === undefined || timeout === undefined) return undefined;
  return { type: 'prometheus', address, query, range, timeout, credentials: null };
}

function web(r: FieldReader, value: unknown, path: string): WebProvider | undefined {
  const o = r.object(value, path, ['url', 'method', 'headers', 'body', 'jsonPath', 'timeout']);
  if (!o) return undefined;
  const target = url(r, o.url, `${path}.url`);
  const method = o.method === undefined ? 'GET' : o.method === 'GET' || o.method === 'POST' ? o.method : r.fail(`${path}.method`, 'one-of', `${path}.method must be GET or POST.`);
  const headers: Array<{ name: string; value: string }> = [];
  if (o.headers !== undefined && o.headers !== null) {
    const h = typeof o.headers === 'object' && !Array.isArray(o.headers) ? (o.headers as Json) : r.fail(`${path}.headers`, 'type', `${path}.headers must be a map of header names to values.`);
    for (const [name, v] of Object.entries(h ?? {})) {
      if (!/^[A-Za-z0-9-]+$/.test(name)) r.fail(`${path}.headers.${name}`, 'header-name', 'a header name must be a valid HTTP header name.');
      else if (typeof v !== 'string') r.fail(`${path}.headers.${name}`, 'type', 'a header value must be a string.');
      else headers.push({ name, value: v });
    }
  }
  let body: string | null | undefined = null;
  if (o.body !== undefined && o.body !== null) {
    if (method !== 'POST') body = r.fail(`${path}.body`, 'method', 'only a POST carries a body.');
    else body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  }
  const jsonPath = o.jsonPath === undefined || o.jsonPath === null ? null : r.string(o.jsonPath, `${path}.jsonPath`);
  if (jsonPath && !jsonPath.startsWith('$')) r.fail(`${path}.jsonPath`, 'json-path', `${path}.jsonPath must start with "$" (e.g. "$.data.rate").`);
  const timeout = seconds(r, o, 'timeout', path, 10, 1);
  if (target === undefined || method === undefined || body === undefined || jsonPath === undefined || timeout === undefined) return undefined;
  return { type: 'web', method, url: target, headers, body, jsonPath, timeout };
}

function job(r: FieldReader, value: unknown, path: string): JobProvider | undefined {
  const o = r.object(value, path, ['image', 'command', 'args', 'timeout']);
  if (!o) return undefined;
  const image = o.image === undefined ? r.fail(`${path}.image`, 'required', `${path}.image is required.`) : r.string(o.image, `${path}.image`);
  const command = stringList(r, o.command, `${path}.command`);
  const args = stringList(r, o.args, `${path}.args`);
  const timeout = seconds(r, o, 'timeout', path, 600, 1);
  if (image === undefined || command === undefined || args === undefined || timeout === undefined) return undefined;
  return { type: 'job', image, command, args, timeout };
}

function http(r: FieldReader, value: unknown, path: string): HttpProvider | undefined {
  const o = r.object(value, path, ['url', 'expectStatus', 'timeout']);
  if (!o) return undefined;
  const target = url(r, o.url, `${path}.url`);
  const expectStatus = o.expectStatus === undefined ? 200 : r.integer(o.expectStatus, `${path}.expectStatus`, 100, 599);
  const timeout = seconds(r, o, 'timeout', path, 5, 1);
  if (target === undefined || expectStatus === undefined || timeout === undefined) return undefined;
  return { type: 'http', url: target, expectStatus, timeout };
}

function provider(r: FieldReader, value: unknown, path: string): MetricProvider | undefined {
  const o = r.object(value, path, providerTypes);
  if (!o) return undefined;
  const keys = Object.keys(o);
  if (keys.length !== 1 || !(providerTypes as readonly string[]).includes(keys[0]!)) {
    return keys.length === 0 || keys.every((k) => !(providerTypes as readonly string[]).includes(k))
      ? r.fail(path, 'one-of', `${path} must name one provider: ${providerTypes.join(', ')}.`)
      : r.fail(path, 'exactly-one', `${path} must name exactly one provider.`);
  }
  switch (keys[0]) {
    case 'prometheus':
      return prometheus(r, o.prometheus, `${path}.prometheus`);
    case 'web':
      return web(r, o.web, `${path}.web`);
    case 'job':
      return job(r, o.job, `${path}.job`);
    default:
      return http(r, o.http, `${path}.http`);
  }
}

function condition(r: FieldReader, value: unknown, path: string): string | null | undefined {
  if (value === undefined || value === null) return null;
  const text = r.string(value, path);
  if (text === undefined) return undefined;
  const why = conditionError(text);
  return why === null ? text : r.fail(path, 'expression', `${path} does not compile: ${why}`);
}

function limit(r: FieldReader, o: Json, key: string, path: string, fallback: number): number | undefined {
  return o[key] === undefined || o[key] === null ? fallback : r.integer(o[key], `${path}.${key}`, 0, 10_000);
}

export function parseMetric(r: FieldReader, value: unknown, path: string): AnalysisMetric | undefined {
  const o = r.object(value, path, [
    'name',
    'provider',
    'successCondition',
    'failureCondition',
    'interval',
    'count',
    'initialDelay',
    'failureLimit',
    'inconclusiveLimit',
    'consecutiveErrorLimit',
  ]);
  if (!o) return undefined;
  let name = o.name === undefined ? r.fail(`${path}.name`, 'required', `${path}.name is required.`) : r.string(o.name, `${path}.name`);
  if (name !== undefined && !NAME.test(name)) name = r.fail(`${path}.name`, 'dns-label', `${path}.name must be a DNS label (lowercase letters, digits, "-").`);
  const p = o.provider === undefined ? r.fail(`${path}.provider`, 'required', `${path}.provider is required.`) : provider(r, o.provider, `${path}.provider`);
  let successCondition = condition(r, o.successCondition, `${path}.successCondition`);
  const failureCondition = condition(r, o.failureCondition, `${path}.failureCondition`);
  if (p?.type === 'job' && (successCondition || failureCondition)) {
    r.fail(`${path}.successCondition`, 'job', 'a job metric is judged by the Job itself (completed or failed): it takes no conditions.');
  }
  if ((p?.type === 'prometheus' || p?.type === 'web') && successCondition === null && failureCondition === null) {
    r.fail(`${path}.successCondition`, 'required', `a ${p.type} metric needs a successCondition or a failureCondition.`);
  }
  if (p?.type === 'http' && successCondition === null && failureCondition === null) successCondition = `result == ${p.expectStatus}`;
  const interval = seconds(r, o, 'interval', path, 1, 1);
  let count: number | null | undefined;
  if (o.count !== undefined && o.count !== null) count = r.integer(o.count, `${path}.count`, 1, 100_000);
  else count = o.interval === undefined || o.interval === null ? 1 : null;
  const initialDelay = seconds(r, o, 'initialDelay', path, 0);
  const failureLimit = limit(r, o, 'failureLimit', path, 0);
  const inconclusiveLimit = limit(r, o, 'inconclusiveLimit', path, 0);
  const consecutiveErrorLimit = limit(r, o, 'consecutiveErrorLimit', path, DEFAULT_CONSECUTIVE_ERROR_LIMIT);
  const metric = { name, provider: p, successCondition, failureCondition, interval, count, initialDelay, failureLimit, inconclusiveLimit, consecutiveErrorLimit };
  return Object.values(metric).every((v) => v !== undefined) ? (metric as AnalysisMetric) : undefined;
}

/** A list of metrics with unique names (`required`: at least one). */
export function parseMetrics(r: FieldReader, value: unknown, path: string, required: boolean): AnalysisMetric[] | undefined {
  if (value === undefined || value === null) return required ? r.fail(path, 'required', `${path} needs at least one metric.`) : [];
  if (!Array.isArray(value)) return r.fail(path, 'type', `${path} must be a list of metrics.`);
  if (required && value.length === 0) return r.fail(path, 'min-items', `${path} needs at least one metric.`);
  if (value.length > MAX_METRICS) return r.fail(path, 'max-items', `${path} may hold at most ${MAX_METRICS} metrics.`);
  const metrics = value.map((m, i) => parseMetric(r, m, `${path}[${i}]`));
  const seen = new Set<string>();
  metrics.forEach((m, i) => {
    if (!m) return;
    if (seen.has(m.name)) r.fail(`${path}[${i}].name`, 'unique', `metric name "${m.name}" is used twice.`);
    seen.add(m.name);
  });
  return metrics.every((m) => m !== undefined) ? (metrics as AnalysisMetric[]) : undefined;
}

/** Arguments as a map {name: value} or Argo's list [{name, value}]. */
function args(r: FieldReader, value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  const out: Record<string, string> = {};
  const entries: Array<[string, unknown, string]> = Array.isArray(value)
    ? value.map((a, i) => {
        const o = typeof a === 'object' && a !== null ? (a as Json) : {};
        return [typeof o.name === 'string' ? o.name : '', o.value, `${path}[${i}]`];
      })
    : typeof value === 'object'
      ? Object.entries(value as Json).map(([k, v]) => [k, v, `${path}.${k}`])
      : [];
  if (!Array.isArray(value) && typeof value !== 'object') return r.fail(path, 'type', `${path} must be a map of argument names to values.`);
  for (const [name, v, p] of entries) {
    if (!/^[A-Za-z][\w-]*$/.test(name)) r.fail(p, 'name', `argument name "${name}" must start with a letter and hold letters, digits, "_" or "-".`);
    else if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') r.fail(p, 'type', `argument "${name}" must be a string, number or boolean.`);
    else out[name] = String(v);
  }
  return out;
}

/** `{templates, args, metrics}`: at least one template or one inline metric. */
export function parseAnalysisRef(r: FieldReader, value: unknown, path: string): AnalysisRef | undefined {
  const o = r.object(value, path, ['templates', 'args', 'metrics']);
  if (!o) return undefined;
  let templates: string[] | undefined = [];
  if (o.templates !== undefined && o.templates !== null) {
    if (!Array.isArray(o.templates)) templates = r.fail(`${path}.templates`, 'type', `${path}.templates must be a list of template names.`);
    else {
      // A name, or Argo's {templateName: name}.
      const names = o.templates.map((t, i) => {
        const n = typeof t === 'object' && t !== null ? (t as Json).templateName : t;
        if (typeof n !== 'string' || !NAME.test(n)) return r.fail(`${path}.templates[${i}]`, 'name', `${path}.templates[${i}] must name an analysis template.`);
        return n;
      });
      templates = names.every((n) => n !== undefined) ? (names as string[]) : undefined;
    }
  }
  const a = args(r, o.args, `${path}.args`);
  const metrics = parseMetrics(r, o.metrics, `${path}.metrics`, false);
  if (templates?.length === 0 && metrics?.length === 0) r.fail(path, 'required', `${path} needs templates or metrics.`);
  if (templates === undefined || a === undefined || metrics === undefined) return undefined;
  return { templates, args: a, metrics };
}

export interface AnalysisTemplateInput {
  name: string;
  args: Array<{ name: string; value: string | null }>;
  metrics: AnalysisMetric[];
  /** Prometheus credentials to seal with the new version; null = keep the previous version's (or none). */
  credentials: { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string } | null;
}

/**
 * A template as POSTed: `{name, args?: [{name, value?}] | {name: value|null}, metrics: [...], credentials?: {bearer:
 * token} | {basic: {username, password}}}`. Every {{args.x}} its metrics use must be declared in args.
 */
export function parseTemplateInput(input: unknown): { ok: true; value: AnalysisTemplateInput } | { ok: false; errors: FieldReader['errors'] } {
  const r = new FieldReader();
  const o = r.object(input, 'body', ['name', 'args', 'metrics', 'credentials']);
  if (!o) return { ok: false, errors: r.errors };
  let name = o.name === undefined ? r.fail('name', 'required', 'name is required.') : r.string(o.name, 'name');
  if (name !== undefined && !NAME.test(name)) name = r.fail('name', 'dns-label', 'name must be a DNS label (lowercase letters, digits, "-").');
  const args: Array<{ name: string; value: string | null }> = [];
  if (o.args !== undefined && o.args !== null) {
    const entries: Array<[unknown, unknown, string]> = Array.isArray(o.args)
      ? o.args.map((a, i) => {
          const e = typeof a === 'object' && a !== null ? (a as Json) : {};
          return [e.name, e.value, `args[${i}]`];
        })
      : typeof o.args === 'object'
        ? Object.entries(o.args as Json).map(([k, v]) => [k, v, `args.${k}`])
        : (r.fail('args', 'type', 'args must be a list of {name, value?} or a map of names to default values.'), []);
    for (const [n, v, p] of entries) {
      if (typeof n !== 'string' || !/^[A-Za-z][\w-]*$/.test(n)) r.fail(p, 'name', `${p}: an argument name must start with a letter and hold letters, digits, "_" or "-".`);
      else if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') r.fail(p, 'type', `${p}: a default value must be a string, number or boolean.`);
      else if (args.some((a) => a.name === n)) r.fail(p, 'unique', `argument "${n}" is declared twice.`);
      else args.push({ name: n, value: v === undefined || v === null ? null : String(v) });
    }
  }
  const metrics = parseMetrics(r, o.metrics, 'metrics', true);
  let credentials: AnalysisTemplateInput['credentials'] | undefined = null;
  if (o.credentials !== undefined && o.credentials !== null) {
    const c = r.object(o.credentials, 'credentials', ['bearer', 'basic']);
    if (!c) credentials = undefined;
    else if (Object.keys(c).length !== 1) credentials = r.fail('credentials', 'exactly-one', 'credentials must hold exactly one of bearer, basic.');
    else if (c.bearer !== undefined) {
      const token = r.string(c.bearer, 'credentials.bearer');
      credentials = token === undefined ? undefined : { kind: 'bearer', token };
    } else {
      const b = r.object(c.basic, 'credentials.basic', ['username', 'password']);
      const username = b && (b.username === undefined ? r.fail('credentials.basic.username', 'required', 'username is required.') : r.string(b.username, 'credentials.basic.username'));
      const password = b && (b.password === undefined ? r.fail('credentials.basic.password', 'required', 'password is required.') : r.string(b.password, 'credentials.basic.password'));
      credentials = username !== undefined && password !== undefined && username !== null && password !== null ? { kind: 'basic', username, password } : undefined;
    }
    if (credentials && metrics && !metrics.some((m) => m.provider.type === 'prometheus')) {
      r.fail('credentials', 'unused', 'credentials are for prometheus metrics; this template has none.');
    }
  }
  if (metrics) r.errors.push(...checkTemplatePlaceholders(metrics, args.map((a) => a.name), 'metrics'));
  if (r.errors.length > 0 || name === undefined || metrics === undefined || credentials === undefined) return { ok: false, errors: r.errors };
  return { ok: true, value: { name, args, metrics, credentials } };
}
