import { Module } from '@nestjs/common';
import { ApplicationRepository, ReleaseRepository } from '@cutover/persistence';
import { ReleasesController } from './releases.controller';
import { ReleasesResolver } from './releases.resolver';
import { ReleasesService } from './releases.service';

@Module({
  controllers: [ReleasesController],
  providers: [ReleasesService, ReleasesResolver, ApplicationRepository, ReleaseRepository],
  exports: [ReleasesService],
})
export class ReleasesModule {}
