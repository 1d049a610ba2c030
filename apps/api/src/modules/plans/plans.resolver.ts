import { Args, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { CreateDeploymentDto } from '../deployments/dto/create-deployment.dto';
import { DeploymentPlansService } from './deployment-plans.service';
import { DryRunAnswerModel } from './models/deployment-plan.model';

@Resolver(() => DryRunAnswerModel)
export class PlansResolver {
  constructor(private readonly plans: DeploymentPlansService) {}

  /** The dry-run of `createDeployment`: validated the same way, nothing written. */
  @Query(() => DryRunAnswerModel)
  @Roles('deployer')
  planDeployment(@Ctx() ctx: RequestContext, @Args('input') input: CreateDeploymentDto): Promise<DryRunAnswerModel> {
    return this.plans.dryRun(ctx, input);
  }
}
