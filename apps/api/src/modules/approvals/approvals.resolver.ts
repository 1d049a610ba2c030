import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { ApprovalsService } from './approvals.service';
import { ApproveDeploymentArgs } from './dto/approve.dto';
import { DeploymentApprovalsModel } from './models/approval.model';

@Resolver(() => DeploymentApprovalsModel)
export class ApprovalsResolver {
  constructor(private readonly approvals: ApprovalsService) {}

  @Query(() => DeploymentApprovalsModel)
  @Roles('viewer')
  deploymentApprovals(@Args('id', { type: () => ID }) id: string): Promise<DeploymentApprovalsModel> {
    return this.approvals.list(id);
  }

  @Mutation(() => DeploymentApprovalsModel)
  @Roles('viewer')
  @AuditAction('deployment.approve')
  approveDeployment(@Ctx() ctx: RequestContext, @Args() args: ApproveDeploymentArgs): Promise<DeploymentApprovalsModel> {
    return this.approvals.approve(ctx, args.id, args.reason ?? null);
  }
}
