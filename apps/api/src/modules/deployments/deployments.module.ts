import { Module } from '@nestjs/common';
import { ApplicationRepository, DeploymentRepository, EnvironmentRepository, ReleaseRepository } from '@cutover/persistence';
import { QueueModule } from '@cutover/queue';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { DeploymentCommandsService } from './deployment-commands.service';
import { DeploymentWaker } from './deployment-waker.service';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsResolver } from './deployments.resolver';
import { DeploymentsService } from './deployments.service';

@Module({
  // QueueModule is global: the api's one producer connection, closed with the app.
  imports: [IdempotencyModule, QueueModule],
  controllers: [DeploymentsController],
  providers: [
    DeploymentsService,
    DeploymentCommandsService,
    DeploymentsResolver,
    DeploymentWaker,
    ApplicationRepository,
    EnvironmentRepository,
    ReleaseRepository,
    DeploymentRepository,
  ],
  exports: [DeploymentsService, DeploymentCommandsService],
})
export class DeploymentsModule {}
