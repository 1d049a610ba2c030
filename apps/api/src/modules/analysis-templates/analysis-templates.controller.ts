import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, type RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { AnalysisTemplatesService } from './analysis-templates.service';
import { AnalysisTemplateList, AnalysisTemplateModel } from './models/analysis-template.model';

/** Versioned like releases: no PUT, PATCH or DELETE (405); a POST of an existing name records its next version. */
@ApiTags('analysis-templates')
@ApiBearerAuth()
@Controller('v1/apps/:app/analysis-templates')
export class AnalysisTemplatesController {
  constructor(private readonly templates: AnalysisTemplatesService) {}

  @Post()
  @Roles('deployer')
  @AuditAction('analysis-template.create')
  @ApiBody({
    description: '{name, args?, metrics, credentials?}: see docs/analysis.md. Credentials are sealed and never returned.',
    schema: {
      type: 'object',
      required: ['name', 'metrics'],
      additionalProperties: true,
      example: {
        name: 'error-rate',
        args: [{ name: 'service' }],
        metrics: [{ name: 'errors', provider: { prometheus: { address: 'http://prometheus:9090', query: 'sum(rate(http_errors{service="{{args.service}}"}[1m]))' } }, successCondition: 'result[0] < 0.05', interval: '30s', count: 5 }],
      },
    },
  })
  @ApiCreatedResponse({ type: AnalysisTemplateModel })
  // The body is deliberately untyped: libs/domain validates every field with its path.
  create(@Ctx() ctx: RequestContext, @Param('app') app: string, @Body() body: Record<string, unknown>): Promise<AnalysisTemplateModel> {
    return this.templates.create(ctx, app, body);
  }

  @Get()
  @ApiOkResponse({ type: AnalysisTemplateList, description: 'The latest version of each template, by name.' })
  list(@Param('app') app: string): Promise<AnalysisTemplateList> {
    return this.templates.list(app);
  }

  @Get(':name')
  @ApiOkResponse({ type: AnalysisTemplateModel, description: 'The latest version.' })
  get(@Param('app') app: string, @Param('name') name: string): Promise<AnalysisTemplateModel> {
    return this.templates.get(app, name);
  }

  @Get(':name/versions')
  @ApiOkResponse({ type: AnalysisTemplateList, description: 'Every version, newest first.' })
  versions(@Param('app') app: string, @Param('name') name: string): Promise<AnalysisTemplateList> {
    return this.templates.versions(app, name);
  }

  @Get(':name/versions/:version')
  @ApiOkResponse({ type: AnalysisTemplateModel })
  version(@Param('app') app: string, @Param('name') name: string, @Param('version') version: string): Promise<AnalysisTemplateModel> {
    const n = /^[1-9]\d{0,8}$/.test(version) ? Number(version) : null;
    if (n === null) throw DomainError.notFound('analysis template', `${app}/${name}@${version}`);
    return this.templates.get(app, name, n);
  }
}
