import { Module } from '@nestjs/common';
import { ApplicationRepository } from '@cutover/persistence';
import { EnvironmentsModule } from '../environments/environments.module';
import { ReleasesModule } from '../releases/releases.module';
import { AppsController } from './apps.controller';
import { AppsResolver } from './apps.resolver';
import { AppsService } from './apps.service';

/** Apps, and (through their modules) the environments and releases that GraphQL's `App` type nests. */
@Module({
  imports: [EnvironmentsModule, ReleasesModule],
  controllers: [AppsController],
  providers: [AppsService, AppsResolver, ApplicationRepository],
})
export class AppsModule {}
