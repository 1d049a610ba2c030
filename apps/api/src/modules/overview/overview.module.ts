import { Module } from '@nestjs/common';
import { OverviewRepository } from '@cutover/persistence';
import { OverviewController } from './overview.controller';
import { OverviewService } from './overview.service';

@Module({ controllers: [OverviewController], providers: [OverviewRepository, OverviewService] })
export class OverviewModule {}
