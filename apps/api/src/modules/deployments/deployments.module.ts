import { Module } from '@nestjs/common';
import { ApplicationRepository, DeploymentRepository, EnvironmentRepository, ReleaseRepository } from '@cutover/persistence';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module';
import { DeploymentCommandsService } from './deployment-commands.service';
import { DeploymentWaker } from './deployment-waker.service';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsResolver } from './deployments.resolver';
import { DeploymentsService } from './deployments.service';

@Module({
  imports: [IdempotencyModule],
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
