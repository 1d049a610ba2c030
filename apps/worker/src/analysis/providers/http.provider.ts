import { Injectable } from '@nestjs/common';
import type { AnalysisMetric, HttpProvider, ProviderOutcome } from '@cutover/domain';
import { requestError, type MeasureContext, type MetricProviderClient } from './provider.types';

/** The HTTP check as a metric: `result` is the status code (default condition: `result == expectStatus`). */
@Injectable()
export class HttpProviderClient implements MetricProviderClient {
  async measure(metric: AnalysisMetric, ctx: MeasureContext): Promise<ProviderOutcome> {
    const p = metric.provider as HttpProvider;
    const query = `GET ${p.url}`;
    const timeout = AbortSignal.timeout(p.timeout * 1000);
    try {
      const res = await fetch(p.url, { signal: AbortSignal.any([ctx.signal, timeout]), redirect: 'manual' });
      await res.body?.cancel();
      return { kind: 'value', value: res.status, query };
    } catch (error) {
      return { kind: 'error', message: `GET ${p.url} → ${requestError(error, timeout, p.timeout)}`, query };
    }
  }
}
