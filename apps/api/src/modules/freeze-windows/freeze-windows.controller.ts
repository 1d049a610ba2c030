import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { CreateFreezeWindowDto, FreezeWindowsQuery } from './dto/freeze-window.dto';
import { FreezeWindowsService } from './freeze-windows.service';
import { FreezeWindowModel, FreezeWindowPage } from './models/freeze-window.model';

@ApiTags('freeze-windows')
@ApiBearerAuth()
@Controller('v1/freeze-windows')
export class FreezeWindowsController {
  constructor(private readonly windows: FreezeWindowsService) {}

  @Post()
  @Roles('admin')
  @AuditAction('freeze-window.create')
  @ApiCreatedResponse({ type: FreezeWindowModel })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateFreezeWindowDto): Promise<FreezeWindowModel> {
    return this.windows.create(ctx, body);
  }

  /** Readable by viewers: dashboards and bots ask "is anything frozen now?". */
  @Get()
  @Roles('viewer')
  @ApiOkResponse({ type: FreezeWindowPage, description: 'Every window with its state now, or with `at` only those in force then.' })
  list(@Query() query: FreezeWindowsQuery): Promise<FreezeWindowPage> {
    return this.windows.list(query);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOkResponse({ type: FreezeWindowModel })
  get(@Param('id') id: string): Promise<FreezeWindowModel> {
    return this.windows.get(id);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @AuditAction('freeze-window.delete')
  @ApiNoContentResponse({ description: 'Deleted: deployments it covered are allowed again.' })
  delete(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    return this.windows.delete(ctx, id);
  }
}
