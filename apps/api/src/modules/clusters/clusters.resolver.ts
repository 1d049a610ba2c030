import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { RegisterClusterDto } from './dto/register-cluster.dto';
import { UpdateClusterDto } from './dto/update-cluster.dto';
import { ClusterCheckModel, ClusterModel, ClusterPage } from './models/cluster.model';
import { ClustersService } from './clusters.service';

@Roles('admin')
@Resolver(() => ClusterModel)
export class ClustersResolver {
  constructor(private readonly service: ClustersService) {}

  @Mutation(() => ClusterModel)
  @AuditAction('cluster.register')
  registerCluster(@Ctx() ctx: RequestContext, @Args('input') input: RegisterClusterDto): Promise<ClusterModel> {
    return this.service.register(ctx, input);
  }

  @Mutation(() => ClusterModel, { description: 'New credentials (checked at once, see lastCheck) and/or labels.' })
  @AuditAction('cluster.update')
  updateCluster(@Ctx() ctx: RequestContext, @Args('name') name: string, @Args('input') input: UpdateClusterDto): Promise<ClusterModel> {
    return this.service.update(ctx, name, input);
  }

  @Query(() => ClusterPage)
  clusters(@Args() args: PageQuery): Promise<ClusterPage> {
    return this.service.list(args);
  }

  @Query(() => ClusterModel)
  cluster(@Args('name') name: string): Promise<ClusterModel> {
    return this.service.get(name);
  }

  @Mutation(() => Boolean, { description: 'True once deleted; CONFLICT while an environment uses it.' })
  @AuditAction('cluster.delete')
  async deleteCluster(@Ctx() ctx: RequestContext, @Args('name') name: string): Promise<boolean> {
    await this.service.delete(ctx, name);
    return true;
  }

  @Mutation(() => ClusterCheckModel)
  @AuditAction('cluster.check')
  checkCluster(@Ctx() ctx: RequestContext, @Args('name') name: string): Promise<ClusterCheckModel> {
    return this.service.check(ctx, name);
  }
}
