// Parses a user's strategy document (an environment's default or a deployment's override) into its normalised form.
// The API answers 422 with these FieldErrors; the machines only ever see the normalised output.
import { parseAnalysisRef } from '../analysis/analysis-document.rules';
import type { AnalysisRef } from '../analysis/analysis.types';
import type { Validated } from '../errors/domain.errors';
import { FieldReader, type Json } from './strategy-fields.rules';
import {
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  strategyTypes,
  type BlueGreenStrategy,
  type CanaryScale,
  type CanaryStep,
  type CanaryStrategy,
  type HeaderMatch,
  type HttpCheck,
  type RollingUpdateStrategy,
  type StrategyDocument,
  type StrategyType,
  type TrafficRouting,
} from './strategy-document.types';

export function parseStrategyDocument(input: unknown, path = 'strategy'): Validated<StrategyDocument> {
  const r = new FieldReader();
  const doc = parseDocument(r, input, path);
  if (r.errors.length > 0 || doc === undefined) return { ok: false, errors: r.errors };
  return { ok: true, value: doc };
}

function parseDocument(r: FieldReader, input: unknown, path: string): StrategyDocument | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return r.fail(path, 'type', `${path} must be an object with a "type".`);
  }
  const type = (input as Json).type;
  if (type === undefined) return r.fail(`${path}.type`, 'required', `${path}.type is required.`);
  switch (type) {
    case 'Recreate': {
      const o = r.object(input, path, ['type', 'progressDeadlineSeconds']);
      return o && { type: 'Recreate', progressDeadlineSeconds: deadline(r, o, path) };
    }
    case 'RollingUpdate':
      return rollingUpdate(r, input, path);
    case 'BlueGreen':
      return blueGreen(r, input, path);
    case 'Canary':
      return canary(r, input, path);
    default:
      return r.fail(`${path}.type`, 'one-of', `${path}.type must be one of ${strategyTypes.join(', ')}.`);
  }
}

function deadline(r: FieldReader, o: Json, path: string): number {
  if (o.progressDeadlineSeconds === undefined) return DEFAULT_PROGRESS_DEADLINE_SECONDS;
  const seconds = r.duration(o.progressDeadlineSeconds, `${path}.progressDeadlineSeconds`);
  if (seconds !== undefined && seconds <= 0) r.fail(`${path}.progressDeadlineSeconds`, 'range', 'progressDeadlineSeconds must be above 0.');
  return seconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

function rollingUpdate(r: FieldReader, input: unknown, path: string): RollingUpdateStrategy | undefined {
  const o = r.object(input, path, ['type', 'maxSurge', 'maxUnavailable', 'minReadySeconds', 'progressDeadlineSeconds']);
  if (!o) return undefined;
  const surge = o.maxSurge === undefined ? { value: '25%', zero: false } : r.intOrPercent(o.maxSurge, `${path}.maxSurge`, 10_000);
  const unavailable =
    o.maxUnavailable === undefined ? { value: '25%', zero: false } : r.intOrPercent(o.maxUnavailable, `${path}.maxUnavailable`, 100);
  if (surge?.zero && unavailable?.zero) {
    r.fail(`${path}.maxUnavailable`, 'not-both-zero', 'maxSurge and maxUnavailable cannot both be zero: the rollout could never progress.');
  }
  const minReadySeconds = o.minReadySeconds === undefined ? 0 : r.integer(o.minReadySeconds, `${path}.minReadySeconds`, 0);
  const progressDeadlineSeconds = deadline(r, o, path);
  if (minReadySeconds !== undefined && minReadySeconds >= progressDeadlineSeconds) {
    r.fail(`${path}.minReadySeconds`, 'range', 'minReadySeconds must be below progressDeadlineSeconds.');
  }
  return {
    type: 'RollingUpdate',
    maxSurge: surge?.value ?? '25%',
    maxUnavailable: unavailable?.value ?? '25%',
    minReadySeconds: minReadySeconds ?? 0,
    progressDeadlineSeconds,
  };
}

function blueGreen(r: FieldReader, input: unknown, path: string): BlueGreenStrategy | undefined {
  const o = r.object(input, path, [
    'type',
    'autoPromotionEnabled',
    'autoPromotionSeconds',
    'scaleDownDelaySeconds',
    'previewReplicaCount',
    'prePromotionChecks',
    'postPromotionChecks',
    'prePromotionAnalysis',
    'postPromotionAnalysis',
    'progressDeadlineSeconds',
  ]);
  if (!o) return undefined;
  const opt = <T>(key: string, read: (v: unknown, p: string) => T | undefined, fallback: T): T =>
    o[key] === undefined || o[key] === null ? fallback : (read(o[key], `${path}.${key}`) ?? fallback);
  return {
    type: 'BlueGreen',
    autoPromotionEnabled: opt('autoPromotionEnabled', (v, p) => r.boolean(v, p), false),
    autoPromotionSeconds: opt('autoPromotionSeconds', (v, p) => r.duration(v, p), 30),
    scaleDownDelaySeconds: opt('scaleDownDelaySeconds', (v, p) => r.duration(v, p), 30),
    previewReplicaCount: opt<number | null>('previewReplicaCount', (v, p) => r.integer(v, p, 1), null),
    prePromotionChecks: opt('prePromotionChecks', (v, p) => checks(r, v, p, 'pre'), []),
    postPromotionChecks: opt('postPromotionChecks', (v, p) => checks(r, v, p, 'post'), []),
    prePromotionAnalysis: opt<AnalysisRef | null>('prePromotionAnalysis', (v, p) => parseAnalysisRef(r, v, p), null),
    postPromotionAnalysis: opt<AnalysisRef | null>('postPromotionAnalysis', (v, p) => parseAnalysisRef(r, v, p), null),
    progressDeadlineSeconds: deadline(r, o, path),
  };
}

function checks(r: FieldReader, value: unknown, path: string, prefix: string): HttpCheck[] | undefined {
  if (!Array.isArray(value)) return r.fail(path, 'type', `${path} must be a list of HTTP checks.`);
  const out = value.map((c, i) => httpCheck(r, c, `${path}[${i}]`, `${prefix}-${i + 1}`));
  return out.every((c) => c !== undefined) ? (out as HttpCheck[]) : undefined;
}

function httpCheck(r: FieldReader, value: unknown, path: string, defaultName: string): HttpCheck | undefined {
  const o = r.object(value, path, ['name', 'url', 'expectStatus', 'timeout', 'interval', 'count', 'failureLimit']);
  if (!o) return undefined;
  const name = o.name === undefined ? defaultName : r.string(o.name, `${path}.name`);
  let url: string | undefined;
  if (o.url === undefined) r.fail(`${path}.url`, 'required', `${path}.url is required.`);
  else if ((url = r.string(o.url, `${path}.url`)) !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) {
    url = r.fail(`${path}.url`, 'url', `${path}.url must be an http(s) URL.`);
  }
  const num = (key: string, read: (v: unknown, p: string) => number | undefined, fallback: number): number | undefined =>
    o[key] === undefined ? fallback : read(o[key], `${path}.${key}`);
  const check = {
    name,
    url,
    expectStatus: num('expectStatus', (v, p) => r.integer(v, p, 100, 599), 200),
    timeout: num('timeout', (v, p) => r.duration(v, p), 5),
    interval: num('interval', (v, p) => r.duration(v, p), 10),
    count: num('count', (v, p) => r.integer(v, p, 1, 1000), 1),
    failureLimit: num('failureLimit', (v, p) => r.integer(v, p, 0), 0),
  };
  if (check.timeout !== undefined && check.timeout <= 0) r.fail(`${path}.timeout`, 'range', `${path}.timeout must be above 0.`);
  return Object.values(check).every((v) => v !== undefined) ? (check as HttpCheck) : undefined;
}

function canary(r: FieldReader, input: unknown, path: string): CanaryStrategy | undefined {
  const o = r.object(input, path, ['type', 'trafficRouting', 'steps', 'backgroundAnalysis', 'progressDeadlineSeconds']);
  if (!o) return undefined;
  const trafficRouting = o.trafficRouting === undefined ? { type: 'replicas' as const } : routing(r, o.trafficRouting, `${path}.trafficRouting`);
  let steps: CanaryStep[] | undefined;
  if (o.steps === undefined) r.fail(`${path}.steps`, 'required', 'A canary needs steps.');
  else if (!Array.isArray(o.steps)) r.fail(`${path}.steps`, 'type', `${path}.steps must be a list.`);
  else if (o.steps.length === 0) r.fail(`${path}.steps`, 'min-items', 'A canary needs at least one step.');
  else {
    const parsed = o.steps.map((s, i) => step(r, s, `${path}.steps[${i}]`, i));
    steps = parsed.every((s) => s !== undefined) ? (parsed as CanaryStep[]) : undefined;
  }
  const backgroundAnalysis =
    o.backgroundAnalysis === undefined || o.backgroundAnalysis === null ? null : parseAnalysisRef(r, o.backgroundAnalysis, `${path}.backgroundAnalysis`);
  const progressDeadlineSeconds = deadline(r, o, path);
  return trafficRouting && steps && backgroundAnalysis !== undefined ? { type: 'Canary', trafficRouting, steps, backgroundAnalysis, progressDeadlineSeconds } : undefined;
}

function step(r: FieldReader, value: unknown, path: string, index: number): CanaryStep | undefined {
  const o = r.object(value, path, ['setWeight', 'pause', 'setCanaryScale', 'check', 'analysis']);
  if (!o) return undefined;
  const keys = Object.keys(o);
  if (keys.length !== 1) {
    return keys.length === 0
      ? r.fail(path, 'one-of', `${path} must be one of setWeight, pause, setCanaryScale, check, analysis.`)
      : r.fail(path, 'exactly-one', `${path} must hold exactly one of setWeight, pause, setCanaryScale, check, analysis.`);
  }
  if (o.analysis !== undefined) {
    const a = parseAnalysisRef(r, o.analysis, `${path}.analysis`);
    return a && { analysis: a };
  }
  if (o.setWeight !== undefined) {
    const w = r.integer(o.setWeight, `${path}.setWeight`, 0, 100);
    return w === undefined ? undefined : { setWeight: w };
  }
  if (o.pause !== undefined) {
    const p = r.object(o.pause, `${path}.pause`, ['duration']);
    if (!p) return undefined;
    if (p.duration === undefined || p.duration === null) return { pause: { duration: null } };
    const d = r.duration(p.duration, `${path}.pause.duration`);
    return d === undefined ? undefined : { pause: { duration: d } };
  }
  if (o.setCanaryScale !== undefined) {
    const s = canaryScale(r, o.setCanaryScale, `${path}.setCanaryScale`);
    return s && { setCanaryScale: s };
  }
  const c = httpCheck(r, o.check, `${path}.check`, `step-${index + 1}`);
  return c && { check: c };
}

function canaryScale(r: FieldReader, value: unknown, path: string): CanaryScale | undefined {
  const o = r.object(value, path, ['replicas', 'weight', 'matchTrafficWeight']);
  if (!o) return undefined;
  if (Object.keys(o).length !== 1) return r.fail(path, 'exactly-one', `${path} must hold exactly one of replicas, weight, matchTrafficWeight.`);
  if (o.replicas !== undefined) {
    const n = r.integer(o.replicas, `${path}.replicas`, 0);
    return n === undefined ? undefined : { replicas: n };
  }
  if (o.weight !== undefined) {
    const w = r.integer(o.weight, `${path}.weight`, 0, 100);
    return w === undefined ? undefined : { weight: w };
  }
  if (o.matchTrafficWeight !== true) return r.fail(`${path}.matchTrafficWeight`, 'type', 'matchTrafficWeight can only be true.');
  return { matchTrafficWeight: true };
}

function routing(r: FieldReader, value: unknown, path: string): TrafficRouting | undefined {
  const type = typeof value === 'object' && value !== null ? (value as Json).type : undefined;
  switch (type) {
    case 'replicas':
      return r.object(value, path, ['type']) && { type: 'replicas' };
    case 'nginx': {
      const o = r.object(value, path, ['type', 'host', 'ingressClassName', 'header']);
      if (!o) return undefined;
      const host = o.host === undefined ? r.fail(`${path}.host`, 'required', 'NGINX routing needs a host.') : r.string(o.host, `${path}.host`);
      const ingressClassName = o.ingressClassName === undefined ? null : r.string(o.ingressClassName, `${path}.ingressClassName`);
      const header = headerMatch(r, o.header, `${path}.header`);
      return host !== undefined && ingressClassName !== undefined && header !== undefined
        ? { type: 'nginx', host, ingressClassName, header }
        : undefined;
    }
    case 'gatewayApi': {
      const o = r.object(value, path, ['type', 'parentRef', 'header']);
      if (!o) return undefined;
      let parentRef: { name: string; namespace: string | null } | undefined;
      if (o.parentRef === undefined) r.fail(`${path}.parentRef`, 'required', 'Gateway API routing needs a parentRef.');
      else {
        const p = r.object(o.parentRef, `${path}.parentRef`, ['name', 'namespace']);
        const name = p && (p.name === undefined ? r.fail(`${path}.parentRef.name`, 'required', 'parentRef.name is required.') : r.string(p.name, `${path}.parentRef.name`));
        const namespace = p?.namespace === undefined ? null : r.string(p.namespace, `${path}.parentRef.namespace`);
        if (name !== undefined && namespace !== undefined) parentRef = { name, namespace };
      }
      const header = headerMatch(r, o.header, `${path}.header`);
      return parentRef && header !== undefined ? { type: 'gatewayApi', parentRef, header } : undefined;
    }
    case undefined:
      return r.fail(`${path}.type`, 'required', `${path}.type is required.`);
    default:
      return r.fail(`${path}.type`, 'one-of', `${path}.type must be one of replicas, nginx, gatewayApi.`);
  }
}

/** undefined = invalid; null = no header rule. */
function headerMatch(r: FieldReader, value: unknown, path: string): HeaderMatch | null | undefined {
  if (value === undefined || value === null) return null;
  const o = r.object(value, path, ['name', 'value']);
  if (!o) return undefined;
  const name = o.name === undefined ? r.fail(`${path}.name`, 'required', 'header.name is required.') : r.string(o.name, `${path}.name`);
  if (name !== undefined && !/^[A-Za-z0-9-]+$/.test(name)) return r.fail(`${path}.name`, 'header-name', 'header.name must be a valid HTTP header name.');
  const headerValue = o.value === undefined ? r.fail(`${path}.value`, 'required', 'header.value is required.') : r.string(o.value, `${path}.value`);
  return name !== undefined && headerValue !== undefined ? { name, value: headerValue } : undefined;
}

/** `doc` as a document of `type`; a strategy's code is handed documents of its own type only. */
export function documentOf<T extends StrategyType>(doc: StrategyDocument, type: T): Extract<StrategyDocument, { type: T }> {
  if (doc.type !== type) throw new Error(`a ${type} strategy was handed a ${doc.type} document`);
  return doc as Extract<StrategyDocument, { type: T }>;
}
