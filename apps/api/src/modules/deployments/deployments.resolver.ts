import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { CommandIntent, RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { idempotencyKeyOf } from '../../common/idempotency/idempotency.service';
import { DeploymentCommandsService } from './deployment-commands.service';
import { DeploymentQueriesService } from './deployment-queries.service';
import { DeploymentStartService } from './deployment-start.service';
import { CreateDeploymentDto } from './dto/create-deployment.dto';
import { DeploymentCommandArgs, PromoteDeploymentArgs } from './dto/deployment-command.dto';
import { HistoryArgs, ListDeploymentsQuery } from './dto/list-deployments.dto';
import { DeploymentDetailModel } from './models/deployment-detail.model';
import { DeploymentCommandResultModel, DeploymentModel, DeploymentPage } from './models/deployment.model';

@Resolver(() => DeploymentModel)
export class DeploymentsResolver {
  constructor(
    private readonly start: DeploymentStartService,
    private readonly commands: DeploymentCommandsService,
    private readonly queries: DeploymentQueriesService,
  ) {}

  @Query(() => DeploymentPage, { description: 'Newest first.' })
  deployments(@Args() args: ListDeploymentsQuery): Promise<DeploymentPage> {
    return this.queries.list(args);
  }

  @Query(() => DeploymentDetailModel)
  deployment(@Args('id', { type: () => ID }) id: string): Promise<DeploymentDetailModel> {
    return this.queries.get(id);
  }

  @Query(() => DeploymentPage, { description: 'What ran in one environment, newest first.' })
  deploymentHistory(@Args() args: HistoryArgs): Promise<DeploymentPage> {
    return this.queries.history(args);
  }

  @Mutation(() => DeploymentModel)
  @Roles('deployer')
  @AuditAction('deployment.create')
  async createDeployment(
    @Ctx() ctx: RequestContext,
    @Args('input') input: CreateDeploymentDto,
    @Args('idempotencyKey', { type: () => String, nullable: true, description: 'As the Idempotency-Key header of REST.' }) key?: string | null,
  ): Promise<DeploymentModel> {
    return (await this.start.create(ctx, input, idempotencyKeyOf(key))).body;
  }

  @Mutation(() => DeploymentCommandResultModel)
  @Roles('deployer')
  @AuditAction('deployment.promote')
  promoteDeployment(@Ctx() ctx: RequestContext, @Args() args: PromoteDeploymentArgs): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, { type: 'promote', full: args.full === true }, args);
  }

  @Mutation(() => DeploymentCommandResultModel)
  @Roles('deployer')
  @AuditAction('deployment.pause')
  pauseDeployment(@Ctx() ctx: RequestContext, @Args() args: DeploymentCommandArgs): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, { type: 'pause' }, args);
  }

  @Mutation(() => DeploymentCommandResultModel)
  @Roles('deployer')
  @AuditAction('deployment.resume')
  resumeDeployment(@Ctx() ctx: RequestContext, @Args() args: DeploymentCommandArgs): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, { type: 'resume' }, args);
  }

  @Mutation(() => DeploymentCommandResultModel)
  @Roles('deployer')
  @AuditAction('deployment.abort')
  abortDeployment(@Ctx() ctx: RequestContext, @Args() args: DeploymentCommandArgs): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, { type: 'abort' }, args);
  }

  @Mutation(() => DeploymentCommandResultModel)
  @Roles('deployer')
  @AuditAction('deployment.rollback')
  rollbackDeployment(@Ctx() ctx: RequestContext, @Args() args: DeploymentCommandArgs): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, { type: 'rollback' }, args);
  }

  @Mutation(() => DeploymentCommandResultModel)
  @Roles('deployer')
  @AuditAction('deployment.retry')
  retryDeployment(@Ctx() ctx: RequestContext, @Args() args: DeploymentCommandArgs): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, { type: 'retry' }, args);
  }

  private run(ctx: RequestContext, intent: CommandIntent, args: DeploymentCommandArgs): Promise<DeploymentCommandResultModel> {
    return this.commands.command(ctx, args.id, { intent, reason: args.reason ?? null, ifMatch: args.ifMatch ?? null });
  }
}
