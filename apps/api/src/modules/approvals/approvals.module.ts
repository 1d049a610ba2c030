import { Module } from '@nestjs/common';
import { DeploymentApprovalRepository, DeploymentRepository } from '@cutover/persistence';
import { DeploymentWaker } from '../deployments/deployment-waker.service';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsResolver } from './approvals.resolver';
import { ApprovalsService } from './approvals.service';

/** Approvals at a deployment's gates (docs/gates.md); the gates themselves are libs/domain's rules. */
@Module({
  controllers: [ApprovalsController],
  providers: [DeploymentRepository, DeploymentApprovalRepository, DeploymentWaker, ApprovalsService, ApprovalsResolver],
  exports: [ApprovalsService, DeploymentApprovalRepository],
})
export class ApprovalsModule {}
