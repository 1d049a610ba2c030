import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { ApiMetrics } from './api-metrics.service';

@ApiTags('metrics')
@Controller()
export class MetricsController {
  constructor(@Inject(ApiMetrics) private readonly metrics: ApiMetrics) {}

  /** Prometheus text format, for an admin token; scrapers without one use the METRICS_PORT listener instead. */
  @Get('metrics')
  @Roles('admin')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The api\'s metrics in the Prometheus text format (docs/operations.md, "Metrics").', schema: { type: 'string' } })
  metricsText(): Promise<string> {
    return this.metrics.text();
  }
}
