import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { CreateNotificationChannelDto, UpdateNotificationChannelDto } from './dto/notification-channel.dto';
import { NotificationChannelModel, NotificationChannelPage, NotificationDeliveryModel, NotificationDeliveryPage } from './models/notification-channel.model';
import { NotificationChannelsService } from './notification-channels.service';

@Roles('deployer')
@Resolver(() => NotificationChannelModel)
export class NotificationChannelsResolver {
  constructor(private readonly service: NotificationChannelsService) {}

  @Mutation(() => NotificationChannelModel)
  @AuditAction('notification-channel.create')
  createNotificationChannel(@Ctx() ctx: RequestContext, @Args('input') input: CreateNotificationChannelDto): Promise<NotificationChannelModel> {
    return this.service.create(ctx, input);
  }

  @Query(() => NotificationChannelPage)
  notificationChannels(@Ctx() ctx: RequestContext, @Args() args: PageQuery): Promise<NotificationChannelPage> {
    return this.service.list(ctx, args);
  }

  @Query(() => NotificationChannelModel)
  notificationChannel(@Ctx() ctx: RequestContext, @Args('id') id: string): Promise<NotificationChannelModel> {
    return this.service.get(ctx, id);
  }

  @Mutation(() => NotificationChannelModel)
  @AuditAction('notification-channel.update')
  updateNotificationChannel(@Ctx() ctx: RequestContext, @Args('id') id: string, @Args('input') input: UpdateNotificationChannelDto): Promise<NotificationChannelModel> {
    return this.service.update(ctx, id, input);
  }

  @Mutation(() => Boolean, { description: 'True once deleted (with its deliveries).' })
  @AuditAction('notification-channel.delete')
  async deleteNotificationChannel(@Ctx() ctx: RequestContext, @Args('id') id: string): Promise<boolean> {
    await this.service.delete(ctx, id);
    return true;
  }

  @Query(() => NotificationDeliveryPage)
  notificationDeliveries(@Ctx() ctx: RequestContext, @Args('channelId') channelId: string, @Args() args: PageQuery): Promise<NotificationDeliveryPage> {
    return this.service.listDeliveries(ctx, channelId, args);
  }

  @Mutation(() => NotificationDeliveryModel)
  @AuditAction('notification-channel.redeliver')
  redeliverNotification(@Ctx() ctx: RequestContext, @Args('channelId') channelId: string, @Args('deliveryId') deliveryId: string): Promise<NotificationDeliveryModel> {
    return this.service.redeliver(ctx, channelId, deliveryId);
  }
}
