import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { AppPageArgs } from '../../common/pagination/app-page.dto';
import { CreateEnvironmentDto, UpdateEnvironmentDto } from './dto/environment.dto';
import { EnvironmentsService } from './environments.service';
import { EnvironmentModel, EnvironmentPage } from './models/environment.model';

@Resolver(() => EnvironmentModel)
export class EnvironmentsResolver {
  constructor(private readonly environmentsService: EnvironmentsService) {}

  @Mutation(() => EnvironmentModel)
  @Roles('admin')
  @AuditAction('environment.create')
  createEnvironment(@Ctx() ctx: RequestContext, @Args('app') app: string, @Args('input') input: CreateEnvironmentDto): Promise<EnvironmentModel> {
    return this.environmentsService.create(ctx, app, input);
  }

  @Mutation(() => EnvironmentModel)
  @Roles('admin')
  @AuditAction('environment.update')
  updateEnvironment(
    @Ctx() ctx: RequestContext,
    @Args('app') app: string,
    @Args('name') name: string,
    @Args('input') input: UpdateEnvironmentDto,
  ): Promise<EnvironmentModel> {
    return this.environmentsService.update(ctx, app, name, input);
  }

  @Mutation(() => Boolean)
  @Roles('admin')
  @AuditAction('environment.delete')
  async deleteEnvironment(@Ctx() ctx: RequestContext, @Args('app') app: string, @Args('name') name: string): Promise<boolean> {
    await this.environmentsService.delete(ctx, app, name);
    return true;
  }

  @Query(() => EnvironmentPage)
  environments(@Args() { app, ...page }: AppPageArgs): Promise<EnvironmentPage> {
    return this.environmentsService.list(app, page);
  }

  @Query(() => EnvironmentModel)
  environment(@Args('app') app: string, @Args('name') name: string): Promise<EnvironmentModel> {
    return this.environmentsService.get(app, name);
  }
}
