import { Module } from '@nestjs/common';
import { ChatIdentityRepository } from '@cutover/persistence';
import { QueueModule } from '@cutover/queue';
import { DeploymentsModule } from '../deployments/deployments.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { PlansModule } from '../plans/plans.module';
import { ChatConfirmations } from './chat-confirmations.service';
import { ChatIdentitiesController } from './chat-identities.controller';
import { ChatIdentitiesResolver } from './chat-identities.resolver';
import { ChatIdentitiesService } from './chat-identities.service';
import { ChatOpsConfig } from './chatops.config';
import { ChatOpsService } from './chatops.service';
import { SlackController } from './slack.controller';

/** Slack slash commands and buttons (docs/chatops.md), and the chat identities they act as. */
@Module({
  imports: [QueueModule, DeploymentsModule, EnvironmentsModule, PlansModule, ApprovalsModule],
  controllers: [SlackController, ChatIdentitiesController],
  providers: [ChatIdentityRepository, ChatIdentitiesService, ChatIdentitiesResolver, ChatConfirmations, ChatOpsConfig, ChatOpsService],
})
export class ChatOpsModule {}
