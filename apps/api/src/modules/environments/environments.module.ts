import { Module } from '@nestjs/common';
import { ApplicationRepository, DeploymentApprovalRepository, EnvironmentRepository } from '@cutover/persistence';
import { EnvironmentsController } from './environments.controller';
import { EnvironmentsResolver } from './environments.resolver';
import { EnvironmentsService } from './environments.service';

@Module({
  controllers: [EnvironmentsController],
  providers: [EnvironmentsService, EnvironmentsResolver, ApplicationRepository, EnvironmentRepository, DeploymentApprovalRepository],
  exports: [EnvironmentsService],
})
export class EnvironmentsModule {}
