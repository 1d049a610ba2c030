import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { AppsService } from './apps.service';
import { CreateAppDto } from './dto/create-app.dto';
import { ListAppsQuery } from './dto/list-apps.query.dto';
import { AppModel, AppPage } from './models/app.model';

@ApiTags('apps')
@ApiBearerAuth()
@Controller('v1/apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post()
  @Roles('admin')
  @AuditAction('app.create')
  @ApiCreatedResponse({ type: AppModel })
  @ApiConflictResponse({ description: 'An app of that name exists.' })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateAppDto): Promise<AppModel> {
    return this.apps.create(ctx, body);
  }

  @Get()
  @ApiOkResponse({ type: AppPage })
  list(@Query() query: ListAppsQuery): Promise<AppPage> {
    return this.apps.list(query);
  }

  @Get(':app')
  @ApiOkResponse({ type: AppModel })
  get(@Param('app') app: string): Promise<AppModel> {
    return this.apps.get(app);
  }

  @Delete(':app')
  @HttpCode(204)
  @Roles('admin')
  @AuditAction('app.delete')
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'A deployment of the app is active.' })
  delete(@Ctx() ctx: RequestContext, @Param('app') app: string): Promise<void> {
    return this.apps.delete(ctx, app);
  }
}
