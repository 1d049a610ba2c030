import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { AppPageArgs } from '../../common/pagination/app-page.dto';
import { CreateReleaseInput } from './dto/create-release.dto';
import { ReleaseModel, ReleasePage } from './models/release.model';
import { ReleasesService } from './releases.service';

@Resolver(() => ReleaseModel)
export class ReleasesResolver {
  constructor(private readonly releasesService: ReleasesService) {}

  @Mutation(() => ReleaseModel)
  @Roles('deployer')
  @AuditAction('release.create')
  createRelease(@Ctx() ctx: RequestContext, @Args('app') app: string, @Args('input') input: CreateReleaseInput): Promise<ReleaseModel> {
    // A plain object, as REST hands over: the validator refuses anything but plain JSON objects.
    return this.releasesService.create(ctx, app, JSON.parse(JSON.stringify(input)) as unknown);
  }

  @Query(() => ReleasePage, { description: 'Newest first.' })
  releases(@Args() { app, ...page }: AppPageArgs): Promise<ReleasePage> {
    return this.releasesService.list(app, page);
  }

  @Query(() => ReleaseModel)
  release(@Args('app') app: string, @Args('version') version: string): Promise<ReleaseModel> {
    return this.releasesService.get(app, version);
  }
}
