import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { CreateEnvironmentDto, UpdateEnvironmentDto } from './dto/environment.dto';
import { EnvironmentsService } from './environments.service';
import { EnvironmentModel, EnvironmentPage } from './models/environment.model';

@ApiTags('environments')
@ApiBearerAuth()
@Controller('v1/apps/:app/environments')
export class EnvironmentsController {
  constructor(private readonly environments: EnvironmentsService) {}

  @Post()
  @Roles('admin')
  @AuditAction('environment.create')
  @ApiCreatedResponse({ type: EnvironmentModel })
  @ApiConflictResponse({ description: 'The app has an environment of that name.' })
  create(@Ctx() ctx: RequestContext, @Param('app') app: string, @Body() body: CreateEnvironmentDto): Promise<EnvironmentModel> {
    return this.environments.create(ctx, app, body);
  }

  @Get()
  @ApiOkResponse({ type: EnvironmentPage })
  list(@Param('app') app: string, @Query() query: PageQuery): Promise<EnvironmentPage> {
    return this.environments.list(app, query);
  }

  @Get(':env')
  @ApiOkResponse({ type: EnvironmentModel })
  get(@Param('app') app: string, @Param('env') env: string): Promise<EnvironmentModel> {
    return this.environments.get(app, env);
  }

  @Patch(':env')
  @Roles('admin')
  @AuditAction('environment.update')
  @ApiOkResponse({ type: EnvironmentModel })
  update(
    @Ctx() ctx: RequestContext,
    @Param('app') app: string,
    @Param('env') env: string,
    @Body() body: UpdateEnvironmentDto,
  ): Promise<EnvironmentModel> {
    return this.environments.update(ctx, app, env, body);
  }

  @Delete(':env')
  @HttpCode(204)
  @Roles('admin')
  @AuditAction('environment.delete')
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'A deployment is active in the environment.' })
  delete(@Ctx() ctx: RequestContext, @Param('app') app: string, @Param('env') env: string): Promise<void> {
    return this.environments.delete(ctx, app, env);
  }
}
