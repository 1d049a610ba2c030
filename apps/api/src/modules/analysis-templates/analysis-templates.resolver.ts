import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { AnalysisTemplatesService } from './analysis-templates.service';
import { CreateAnalysisTemplateInput } from './dto/create-analysis-template.dto';
import { AnalysisTemplateList, AnalysisTemplateModel } from './models/analysis-template.model';

@Resolver(() => AnalysisTemplateModel)
export class AnalysisTemplatesResolver {
  constructor(private readonly templates: AnalysisTemplatesService) {}

  @Mutation(() => AnalysisTemplateModel, { description: 'Records the next version of the named template.' })
  @Roles('deployer')
  @AuditAction('analysis-template.create')
  createAnalysisTemplate(@Ctx() ctx: RequestContext, @Args('app') app: string, @Args('input') input: CreateAnalysisTemplateInput): Promise<AnalysisTemplateModel> {
    // A plain object, as REST hands over (absent optional fields dropped).
    return this.templates.create(ctx, app, JSON.parse(JSON.stringify(input)) as unknown);
  }

  @Query(() => AnalysisTemplateList, { description: 'The latest version of each template of the app.' })
  analysisTemplates(@Args('app') app: string): Promise<AnalysisTemplateList> {
    return this.templates.list(app);
  }

  @Query(() => AnalysisTemplateModel, { description: 'One version of a template (the latest without `version`).' })
  analysisTemplate(
    @Args('app') app: string,
    @Args('name') name: string,
    @Args('version', { type: () => Int, nullable: true }) version?: number,
  ): Promise<AnalysisTemplateModel> {
    return this.templates.get(app, name, version ?? undefined);
  }

  @Query(() => AnalysisTemplateList, { description: 'Every version of a template, newest first.' })
  analysisTemplateVersions(@Args('app') app: string, @Args('name') name: string): Promise<AnalysisTemplateList> {
    return this.templates.versions(app, name);
  }
}
