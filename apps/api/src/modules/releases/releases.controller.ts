import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { ReleaseModel, ReleasePage } from './models/release.model';
import { ReleasesService } from './releases.service';

/**
 * Releases are immutable: there is no PUT, PATCH or DELETE route, so those methods answer 405 with `Allow`
 * (common/http route table).
 */
@ApiTags('releases')
@ApiBearerAuth()
@Controller('v1/apps/:app/releases')
export class ReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  @Post()
  @Roles('deployer')
  @AuditAction('release.create')
  @ApiBody({
    description: 'Short form {version, image} or full form {version, podSpec, podLabels?, podAnnotations?, hooks?, notes?, commitSha?}: see docs/releases.md.',
    schema: { type: 'object', required: ['version'], additionalProperties: true, example: { version: '1.4.0', image: 'registry.local/checkout:1.4.0' } },
  })
  @ApiCreatedResponse({ type: ReleaseModel })
  @ApiConflictResponse({ description: 'The app already has this version.' })
  // The body is deliberately untyped: the pipe leaves it alone and libs/domain validates every field with its path.
  create(@Ctx() ctx: RequestContext, @Param('app') app: string, @Body() body: Record<string, unknown>): Promise<ReleaseModel> {
    return this.releases.create(ctx, app, body);
  }

  @Get()
  @ApiOkResponse({ type: ReleasePage, description: 'Newest first.' })
  list(@Param('app') app: string, @Query() query: PageQuery): Promise<ReleasePage> {
    return this.releases.list(app, query);
  }

  @Get(':version')
  @ApiOkResponse({ type: ReleaseModel })
  get(@Param('app') app: string, @Param('version') version: string): Promise<ReleaseModel> {
    return this.releases.get(app, version);
  }
}
