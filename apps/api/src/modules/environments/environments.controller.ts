import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { bodyEtag, type ConditionalReply, sendConditional } from '../../common/http/conditional-get';
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
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag you have: 304 without a body while nothing changed.' })
  @ApiOkResponse({ type: EnvironmentModel, headers: { ETag: { description: 'Changes whenever the environment does.' } } })
  @ApiResponse({ status: 304, description: 'Not modified since the ETag in If-None-Match.' })
  async get(@Param('app') app: string, @Param('env') env: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: ConditionalReply): Promise<void> {
    const model = await this.environments.get(app, env);
    sendConditional(ifNoneMatch, res, bodyEtag(model), model);
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
