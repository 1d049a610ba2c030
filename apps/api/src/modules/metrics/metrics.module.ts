import { Global, Module } from '@nestjs/common';
import { DeploymentRepository } from '@cutover/persistence';
import { ApiMetrics } from './api-metrics.service';
import { MetricsController } from './metrics.controller';
import { MetricsListener } from './metrics-listener.service';

/** Global: every module may count what it does (ApiMetrics); one registry per api process. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [ApiMetrics, MetricsListener, DeploymentRepository],
  exports: [ApiMetrics],
})
export class MetricsModule {}
