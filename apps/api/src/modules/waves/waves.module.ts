import { Module } from '@nestjs/common';
import { AnalysisTemplateRepository, ApplicationRepository, DeploymentRepository, EnvironmentRepository, ReleaseRepository, WaveRunRepository } from '@cutover/persistence';
import { AnalysisTemplatesModule } from '../analysis-templates/analysis-templates.module';
import { DeploymentsModule } from '../deployments/deployments.module';
import { FreezeWindowsModule } from '../freeze-windows/freeze-windows.module';
import { WaveRunsController } from './wave-runs.controller';
import { WaveRunsResolver } from './wave-runs.resolver';
import { WaveRunsService } from './wave-runs.service';

/** Wave runs (docs/waves.md): REST, GraphQL, one service. The worker drives them. */
@Module({
  imports: [DeploymentsModule, AnalysisTemplatesModule, FreezeWindowsModule],
  controllers: [WaveRunsController],
  providers: [WaveRunsService, WaveRunsResolver, ApplicationRepository, EnvironmentRepository, ReleaseRepository, DeploymentRepository, AnalysisTemplateRepository, WaveRunRepository],
})
export class WavesModule {}
