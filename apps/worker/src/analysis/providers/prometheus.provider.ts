import { Inject, Injectable } from '@nestjs/common';
import type { AnalysisMetric, PrometheusProvider, ProviderOutcome } from '@cutover/domain';
import { AnalysisCredentials } from '../analysis-credentials.service';
import { requestError, snippet, type MeasureContext, type MetricProviderClient } from './provider.types';

type Sample = [number, string];

/** A Prometheus sample value: numbers as numbers, "NaN"/"+Inf"/"-Inf" as JS does. */
function sampleValue(s: unknown): number {
  if (!Array.isArray(s) || typeof s[1] !== 'string') throw new Error('a sample is not [time, "value"]');
  const v = s[1];
  if (v === 'NaN') return Number.NaN;
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`a sample value "${snippet(v)}" is not a number`);
  return n;
}

/**
 * `result` as Argo Rollouts users know it: a scalar is a number, an instant vector a list of numbers (one per
 * series: `result[0]`), a range query (matrix) a list of series, each a list of numbers.
 */
export function prometheusResult(body: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null) return { ok: false, message: 'the answer is not a JSON object' };
  const b = body as { status?: unknown; error?: unknown; errorType?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (b.status === 'error') return { ok: false, message: `Prometheus refused the query: ${String(b.errorType ?? 'error')}: ${snippet(String(b.error ?? ''))}` };
  if (b.status !== 'success' || typeof b.data !== 'object' || b.data === null) return { ok: false, message: 'the answer is not a Prometheus API answer (no status "success" with data)' };
  const { resultType, result } = b.data;
  try {
    switch (resultType) {
      case 'scalar':
        return { ok: true, value: sampleValue(result) };
      case 'vector':
        if (!Array.isArray(result)) throw new Error('a vector result is not a list');
        return { ok: true, value: result.map((r: { value?: Sample }) => sampleValue(r.value)) };
      case 'matrix':
        if (!Array.isArray(result)) throw new Error('a matrix result is not a list');
        return { ok: true, value: result.map((r: { values?: Sample[] }) => (Array.isArray(r.values) ? r.values.map(sampleValue) : [])) };
      case 'string':
        return { ok: true, value: Array.isArray(result) ? String(result[1]) : '' };
      default:
        return { ok: false, message: `unknown resultType ${snippet(String(resultType))}` };
    }
  } catch (error) {
    return { ok: false, message: `the answer cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Instant query at each measurement, or a range query over the last `range.window` seconds with `range.step`. */
@Injectable()
export class PrometheusProviderClient implements MetricProviderClient {
  constructor(@Inject(AnalysisCredentials) private readonly credentials: AnalysisCredentials) {}

  async measure(metric: AnalysisMetric, ctx: MeasureContext): Promise<ProviderOutcome> {
    const p = metric.provider as PrometheusProvider;
    const now = Date.now() / 1000;
    const params = new URLSearchParams({ query: p.query });
    let path = '/api/v1/query';
    if (p.range) {
      path = '/api/v1/query_range';
      params.set('start', (now - p.range.window).toFixed(3));
      params.set('end', now.toFixed(3));
      params.set('step', String(p.range.step));
    } else {
      params.set('time', now.toFixed(3));
    }
    const url = `${p.address.replace(/\/+$/, '')}${path}`;
    const query = p.range ? `${p.query} [range ${p.range.window}s, step ${p.range.step}s]` : p.query;
    const timeout = AbortSignal.timeout(p.timeout * 1000);
    let headers: Record<string, string>;
    try {
      headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...(await this.credentials.headers(p.credentials)) };
    } catch (error) {
      return { kind: 'error', message: `credentials cannot be opened: ${error instanceof Error ? error.message : String(error)}`, query };
    }
    let res: Response;
    let text: string;
    try {
      // POST with a form body: long queries do not hit URL limits (Prometheus accepts both).
      res = await fetch(url, { method: 'POST', headers, body: params.toString(), signal: AbortSignal.any([ctx.signal, timeout]), redirect: 'manual' });
      text = await res.text();
    } catch (error) {
      return { kind: 'error', message: `POST ${url} → ${requestError(error, timeout, p.timeout)}`, query };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { kind: 'error', message: `POST ${url} → ${res.status}, not JSON: ${snippet(text)}`, query };
    }
    if (!res.ok && (body as { status?: unknown } | null)?.status !== 'error') {
      return { kind: 'error', message: `POST ${url} → ${res.status}: ${snippet(text)}`, query };
    }
    const read = prometheusResult(body);
    return read.ok ? { kind: 'value', value: read.value, query } : { kind: 'error', message: read.message, query };
  }
}
