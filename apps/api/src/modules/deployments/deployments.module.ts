import { Module } from '@nestjs/common';
import { ApplicationRepository, DeploymentApprovalRepository, DeploymentRepository, EnvironmentRepository, ReleaseRepository } from '@cutover/persistence';
import { QueueModule } from '@cutover/queue';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { AnalysisTemplatesModule } from '../analysis-templates/analysis-templates.module';
import { FreezeWindowsModule } from '../freeze-windows/freeze-windows.module';
import { PlansModule } from '../plans/plans.module';
import { DeploymentCommandsService } from './deployment-commands.service';
import { DeploymentQueriesService } from './deployment-queries.service';
import { DeploymentStartService } from './deployment-start.service';
import { DeploymentWaker } from './deployment-waker.service';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsResolver } from './deployments.resolver';

@Module({
  // QueueModule is global: the api's one producer connection, closed with the app.
  imports: [IdempotencyModule, QueueModule, AnalysisTemplatesModule, FreezeWindowsModule, PlansModule],
  controllers: [DeploymentsController],
  providers: [
    DeploymentStartService,
    DeploymentCommandsService,
    DeploymentQueriesService,
    DeploymentsResolver,
    DeploymentWaker,
    ApplicationRepository,
    EnvironmentRepository,
    ReleaseRepository,
    DeploymentRepository,
    DeploymentApprovalRepository,
  ],
  exports: [DeploymentStartService, DeploymentCommandsService, DeploymentQueriesService],
})
export class DeploymentsModule {}
