import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { CreateNotificationChannelDto, UpdateNotificationChannelDto } from './dto/notification-channel.dto';
import { NotificationChannelModel, NotificationChannelPage, NotificationDeliveryModel, NotificationDeliveryPage } from './models/notification-channel.model';
import { NotificationChannelsService } from './notification-channels.service';

/** Admins manage every channel; deployers those limited to their apps (checked by the service). */
@ApiTags('notifications')
@ApiBearerAuth()
@Roles('deployer')
@Controller('v1/notification-channels')
export class NotificationChannelsController {
  constructor(private readonly channels: NotificationChannelsService) {}

  @Post()
  @AuditAction('notification-channel.create')
  @ApiCreatedResponse({ type: NotificationChannelModel, description: 'URL and secret are stored encrypted and never returned.' })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateNotificationChannelDto): Promise<NotificationChannelModel> {
    return this.channels.create(ctx, body);
  }

  @Get()
  @ApiOkResponse({ type: NotificationChannelPage, description: 'By name. A deployer sees the channels limited to its apps.' })
  list(@Ctx() ctx: RequestContext, @Query() query: PageQuery): Promise<NotificationChannelPage> {
    return this.channels.list(ctx, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: NotificationChannelModel })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<NotificationChannelModel> {
    return this.channels.get(ctx, id);
  }

  @Patch(':id')
  @AuditAction('notification-channel.update')
  @ApiOkResponse({ type: NotificationChannelModel, description: '`enabled: true` re-enables a disabled channel.' })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: UpdateNotificationChannelDto): Promise<NotificationChannelModel> {
    return this.channels.update(ctx, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AuditAction('notification-channel.delete')
  @ApiNoContentResponse({ description: 'Deleted, with its deliveries.' })
  delete(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    return this.channels.delete(ctx, id);
  }

  @Get(':id/deliveries')
  @ApiOkResponse({ type: NotificationDeliveryPage, description: 'Newest first: status, attempts, last error, latency.' })
  deliveries(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: PageQuery): Promise<NotificationDeliveryPage> {
    return this.channels.listDeliveries(ctx, id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @AuditAction('notification-channel.redeliver')
  @ApiAcceptedResponse({ type: NotificationDeliveryModel, description: 'Queued again: same body and Cutover-Delivery id, fresh attempts.' })
  @ApiConflictResponse({ description: 'The delivery is still pending, or the channel is disabled.' })
  redeliver(@Ctx() ctx: RequestContext, @Param('id') id: string, @Param('deliveryId') deliveryId: string): Promise<NotificationDeliveryModel> {
    return this.channels.redeliver(ctx, id, deliveryId);
  }
}
