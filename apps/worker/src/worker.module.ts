import { CutoverConfigModule, type WorkerConfig } from '@cutover/config';
import { type DynamicModule, Module } from '@nestjs/common';
import {
  AnalysisMeasurementRepository,
  AnalysisTemplateRepository,
  ClusterRepository,
  DeploymentEventRepository,
  DeploymentRepository,
  DeploymentTickRepository,
  NotificationChannelRepository,
  NotificationCursorRepository,
  NotificationDeliveryRepository,
  EnvironmentRepository,
  PersistenceModule,
  ReleaseRepository,
  WaveRunRepository,
} from '@cutover/persistence';
import { QueueModule } from '@cutover/queue';
import { AnalysisCredentials } from './analysis/analysis-credentials.service';
import { AnalysisRunner } from './analysis/analysis-runner.service';
import { MetricProviders } from './analysis/metric-providers.service';
import { HttpProviderClient } from './analysis/providers/http.provider';
import { JobProviderClient } from './analysis/providers/job.provider';
import { PrometheusProviderClient } from './analysis/providers/prometheus.provider';
import { WebProviderClient } from './analysis/providers/web.provider';
import { CheckRunner } from './checks/check-runner.service';
import { ClusterGateways } from './clusters/cluster-gateways.service';
import { EffectsRunner } from './effects/effects-runner.service';
import { DeploymentProcessor } from './processors/deployment.processor';
import { NotificationDeliveryProcessor } from './notifications/notification-delivery.processor';
import { NotificationDeliveryService } from './notifications/notification-delivery.service';
import { NotificationDispatcher } from './notifications/notification-dispatcher.service';
import { Reconciler } from './reconciler/reconciler.service';
import { DeploymentTickService } from './ticks/deployment-tick.service';
import { WakeRouter } from './watches/wake-router.service';
import { WaveRunProcessor } from './processors/wave-run.processor';
import { WaveRunTickService } from './waves/wave-run-tick.service';
import { WaveStarter } from './waves/wave-starter.service';
import { WORKER_OPTIONS, type WorkerOptions } from './worker.options';
import { WorkerMetrics } from './metrics/worker-metrics.service';

/** The worker process: BullMQ consumer, ticks, effects, checks, cluster watches and the reconciler. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig, options: WorkerOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CutoverConfigModule.withConfig(config), PersistenceModule.forRoot(), QueueModule],
      providers: [
        { provide: WORKER_OPTIONS, useValue: options },
        WorkerMetrics,
        DeploymentTickRepository,
        WakeRouter,
        ClusterGateways,
        CheckRunner,
        // Analysis: providers and the runner that measures beside the ticks (docs/analysis.md).
        AnalysisMeasurementRepository,
        AnalysisTemplateRepository,
        AnalysisCredentials,
        PrometheusProviderClient,
        WebProviderClient,
        JobProviderClient,
        HttpProviderClient,
        MetricProviders,
        AnalysisRunner,
        EffectsRunner,
        DeploymentTickService,
        DeploymentProcessor,
        Reconciler,
        // Notifications: their own queue and consumer beside the ticks (docs/notifications.md).
        DeploymentEventRepository,
        DeploymentRepository,
        ClusterRepository,
        NotificationChannelRepository,
        NotificationDeliveryRepository,
        NotificationCursorRepository,
        NotificationDeliveryService,
        NotificationDeliveryProcessor,
        NotificationDispatcher,
        // Wave runs: one more machine ticked like a deployment (docs/adr/0013).
        EnvironmentRepository,
        ReleaseRepository,
        WaveRunRepository,
        WaveStarter,
        WaveRunTickService,
        WaveRunProcessor,
      ],
      exports: [WorkerMetrics, AnalysisRunner, DeploymentTickService, WaveRunTickService, Reconciler, ClusterGateways, NotificationDispatcher, NotificationDeliveryProcessor],
    };
  }
}
