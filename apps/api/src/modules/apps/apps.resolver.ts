import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { EnvironmentsService } from '../environments/environments.service';
import { EnvironmentPage } from '../environments/models/environment.model';
import { ReleasePage } from '../releases/models/release.model';
import { ReleasesService } from '../releases/releases.service';
import { AppsService } from './apps.service';
import { CreateAppDto } from './dto/create-app.dto';
import { ListAppsQuery } from './dto/list-apps.query.dto';
import { AppModel, AppPage } from './models/app.model';

@Resolver(() => AppModel)
export class AppsResolver {
  constructor(
    private readonly appsService: AppsService,
    private readonly environmentsService: EnvironmentsService,
    private readonly releasesService: ReleasesService,
  ) {}

  @Mutation(() => AppModel)
  @Roles('admin')
  @AuditAction('app.create')
  createApp(@Ctx() ctx: RequestContext, @Args('input') input: CreateAppDto): Promise<AppModel> {
    return this.appsService.create(ctx, input);
  }

  @Mutation(() => Boolean)
  @Roles('admin')
  @AuditAction('app.delete')
  async deleteApp(@Ctx() ctx: RequestContext, @Args('name') name: string): Promise<boolean> {
    await this.appsService.delete(ctx, name);
    return true;
  }

  @Query(() => AppPage)
  apps(@Args() query: ListAppsQuery): Promise<AppPage> {
    return this.appsService.list(query);
  }

  @Query(() => AppModel)
  app(@Args('name') name: string): Promise<AppModel> {
    return this.appsService.get(name);
  }

  @ResolveField(() => EnvironmentPage)
  environments(@Parent() app: AppModel, @Args() page: PageQuery): Promise<EnvironmentPage> {
    return this.environmentsService.list(app.name, page);
  }

  @ResolveField(() => ReleasePage, { description: 'Newest first.' })
  releases(@Parent() app: AppModel, @Args() page: PageQuery): Promise<ReleasePage> {
    return this.releasesService.list(app.name, page);
  }
}
