import { Module } from '@nestjs/common';
import { ApplicationRepository, ClusterRepository, DeploymentRepository, EnvironmentRepository, ReleaseRepository } from '@cutover/persistence';
import { FreezeWindowsModule } from '../freeze-windows/freeze-windows.module';
import { DeploymentPlansService } from './deployment-plans.service';
import { PlansResolver } from './plans.resolver';

/** Plans and dry-runs (docs/gates.md): what a deployment will do before it starts. */
@Module({
  imports: [FreezeWindowsModule],
  providers: [ApplicationRepository, EnvironmentRepository, ReleaseRepository, DeploymentRepository, ClusterRepository, DeploymentPlansService, PlansResolver],
  exports: [DeploymentPlansService],
})
export class PlansModule {}
