import { Module } from '@nestjs/common';
import { AnalysisMeasurementRepository, AnalysisTemplateRepository, ApplicationRepository } from '@cutover/persistence';
import { AnalysisResolver } from './analysis-resolver.service';
import { AnalysisTemplatesController } from './analysis-templates.controller';
import { AnalysisTemplatesResolver } from './analysis-templates.resolver';
import { AnalysisTemplatesService } from './analysis-templates.service';

/** Analysis templates per app (docs/analysis.md) and the resolver deployments use when they are created. */
@Module({
  controllers: [AnalysisTemplatesController],
  providers: [AnalysisTemplatesService, AnalysisTemplatesResolver, ApplicationRepository, AnalysisTemplateRepository, AnalysisMeasurementRepository, AnalysisResolver],
  exports: [AnalysisResolver, AnalysisMeasurementRepository],
})
export class AnalysisTemplatesModule {}
