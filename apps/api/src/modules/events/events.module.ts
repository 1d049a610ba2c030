import { Module } from '@nestjs/common';
import { DeploymentEventRepository, DeploymentRepository } from '@cutover/persistence';
import { QueueModule } from '@cutover/queue';
import { AuthModule } from '../../common/auth/auth.module';
import { EventHub } from './event-hub.service';
import { EventStreams } from './event-stream.service';
import { EventsController } from './events.controller';
import { EventsResolver } from './events.resolver';
import { EventsService } from './events.service';

/**
 * Live events (docs/events.md): SSE streams and GraphQL subscriptions over the gapless event feed, fanned out
 * through one Redis subscription per process (docs/adr/0007).
 */
@Module({
  imports: [QueueModule, AuthModule],
  controllers: [EventsController],
  providers: [EventHub, EventStreams, EventsService, EventsResolver, DeploymentEventRepository, DeploymentRepository],
  exports: [EventStreams, EventsService],
})
export class EventsModule {}
