import { Module } from '@nestjs/common';
import { NotificationChannelRepository, NotificationDeliveryRepository } from '@cutover/persistence';
import { QueueModule } from '@cutover/queue';
import { NotificationChannelsController } from './notification-channels.controller';
import { NotificationChannelsResolver } from './notification-channels.resolver';
import { NotificationChannelsService } from './notification-channels.service';

/** Notification channels and their deliveries; the worker delivers (apps/worker/src/notifications). */
@Module({
  imports: [QueueModule],
  controllers: [NotificationChannelsController],
  providers: [NotificationChannelRepository, NotificationDeliveryRepository, NotificationChannelsService, NotificationChannelsResolver],
})
export class NotificationsModule {}
