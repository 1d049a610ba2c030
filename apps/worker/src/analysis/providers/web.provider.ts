import { Injectable } from '@nestjs/common';
import { JSONPath } from 'jsonpath-plus';
import type { AnalysisMetric, ProviderOutcome, WebProvider } from '@cutover/domain';
import { requestError, snippet, type MeasureContext, type MetricProviderClient } from './provider.types';

const MAX_BODY = 1024 * 1024;

/** Numbers that arrive as strings ("0.97") are numbers for the conditions, as Argo Rollouts' web provider does. */
function numeric(v: unknown): unknown {
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return v;
}

/** An HTTP GET/POST; `result` is the JSONPath's match in the JSON answer (the whole answer without a path). */
@Injectable()
export class WebProviderClient implements MetricProviderClient {
  async measure(metric: AnalysisMetric, ctx: MeasureContext): Promise<ProviderOutcome> {
    const p = metric.provider as WebProvider;
    const query = `${p.method} ${p.url}${p.jsonPath ? ` ${p.jsonPath}` : ''}`;
    const timeout = AbortSignal.timeout(p.timeout * 1000);
    let res: Response;
    let text: string;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      for (const h of p.headers) headers[h.name] = h.value;
      if (p.body !== null && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      res = await fetch(p.url, { method: p.method, headers, body: p.body ?? undefined, signal: AbortSignal.any([ctx.signal, timeout]), redirect: 'manual' });
      text = await res.text();
    } catch (error) {
      return { kind: 'error', message: `${p.method} ${p.url} → ${requestError(error, timeout, p.timeout)}`, query };
    }
    if (!res.ok) return { kind: 'error', message: `${p.method} ${p.url} → ${res.status}: ${snippet(text)}`, query };
    if (text.length > MAX_BODY) return { kind: 'error', message: `${p.method} ${p.url} → answer over ${MAX_BODY} bytes`, query };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'error', message: `${p.method} ${p.url} → ${res.status}, not JSON: ${snippet(text)}`, query };
    }
    if (p.jsonPath === null) return { kind: 'value', value: numeric(json), query };
    let matches: unknown[];
    try {
      // eval: false — filter scripts are not run (no code from documents executes in the worker).
      matches = JSONPath({ path: p.jsonPath, json: json as object, wrap: true, eval: false }) as unknown[];
    } catch (error) {
      return { kind: 'error', message: `JSONPath ${p.jsonPath}: ${error instanceof Error ? error.message : String(error)}`, query };
    }
    // No match is no data (inconclusive); one match is the value; several are a list.
    const value = matches.length === 0 ? null : matches.length === 1 ? numeric(matches[0]) : matches.map(numeric);
    return { kind: 'value', value, query };
  }
}
