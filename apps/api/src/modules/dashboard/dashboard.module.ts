import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { DashboardFiles } from './dashboard-files.service';

/** Serves the built dashboard at /ui (apps/dashboard; docs/dashboard.md). */
@Module({ controllers: [DashboardController], providers: [DashboardFiles] })
export class DashboardModule {}
