import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { RegisterClusterDto } from './dto/register-cluster.dto';
import { UpdateClusterDto } from './dto/update-cluster.dto';
import { ClusterCheckModel, ClusterModel, ClusterPage } from './models/cluster.model';
import { ClustersService } from './clusters.service';

@ApiTags('clusters')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Post()
  @AuditAction('cluster.register')
  @ApiCreatedResponse({ type: ClusterModel, description: 'Credentials are stored encrypted and never returned.' })
  register(@Ctx() ctx: RequestContext, @Body() body: RegisterClusterDto): Promise<ClusterModel> {
    return this.clusters.register(ctx, body);
  }

  @Get()
  @ApiOkResponse({ type: ClusterPage })
  list(@Query() query: PageQuery): Promise<ClusterPage> {
    return this.clusters.list(query);
  }

  @Get(':name')
  @ApiOkResponse({ type: ClusterModel })
  get(@Param('name') name: string): Promise<ClusterModel> {
    return this.clusters.get(name);
  }

  @Patch(':name')
  @AuditAction('cluster.update')
  @ApiOkResponse({
    type: ClusterModel,
    description:
      'Replaces the credentials (a kubeconfig, or the token form; token-form fields left out keep their values) and/or the labels. New credentials are checked at once (the outcome is in lastCheck) and stored encrypted; the worker reconnects with them.',
  })
  update(@Ctx() ctx: RequestContext, @Param('name') name: string, @Body() body: UpdateClusterDto): Promise<ClusterModel> {
    return this.clusters.update(ctx, name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  @AuditAction('cluster.delete')
  @ApiNoContentResponse({ description: 'Deleted. 409 while an environment uses the cluster.' })
  delete(@Ctx() ctx: RequestContext, @Param('name') name: string): Promise<void> {
    return this.clusters.delete(ctx, name);
  }

  @Post(':name/check')
  @HttpCode(200)
  @AuditAction('cluster.check')
  @ApiOkResponse({ type: ClusterCheckModel, description: 'Connects and reads the server version; a failure is ok: false with a reason.' })
  check(@Ctx() ctx: RequestContext, @Param('name') name: string): Promise<ClusterCheckModel> {
    return this.clusters.check(ctx, name);
  }
}
