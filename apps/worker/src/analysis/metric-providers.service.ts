import { Inject, Injectable } from '@nestjs/common';
import type { AnalysisMetric, ProviderOutcome } from '@cutover/domain';
import { HttpProviderClient } from './providers/http.provider';
import { JobProviderClient } from './providers/job.provider';
import { PrometheusProviderClient } from './providers/prometheus.provider';
import type { MeasureContext } from './providers/provider.types';
import { WebProviderClient } from './providers/web.provider';

/** The providers by type: one measurement of a metric, never throwing (errors are outcomes with their reason). */
@Injectable()
export class MetricProviders {
  constructor(
    @Inject(PrometheusProviderClient) private readonly prometheus: PrometheusProviderClient,
    @Inject(WebProviderClient) private readonly web: WebProviderClient,
    @Inject(JobProviderClient) private readonly job: JobProviderClient,
    @Inject(HttpProviderClient) private readonly http: HttpProviderClient,
  ) {}

  measure(metric: AnalysisMetric, ctx: MeasureContext): Promise<ProviderOutcome> {
    switch (metric.provider.type) {
      case 'prometheus':
        return this.prometheus.measure(metric, ctx);
      case 'web':
        return this.web.measure(metric, ctx);
      case 'job':
        return this.job.measure(metric, ctx);
      case 'http':
        return this.http.measure(metric, ctx);
    }
  }
}
