import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { RequestContext, WaveRunCommandType } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { StartWaveDto, WaveRunCommandDto } from './dto/start-wave.dto';
import { WaveRunModel, WaveRunPage } from './models/wave-run.model';
import { WaveRunsService } from './wave-runs.service';

@ApiTags('waves')
@ApiBearerAuth()
@Controller('v1')
export class WaveRunsController {
  constructor(private readonly waves: WaveRunsService) {}

  @Post('apps/:app/waves')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('wave-run.create')
  @ApiAcceptedResponse({ type: WaveRunModel, description: 'Created; the worker starts the first wave.' })
  @ApiConflictResponse({ description: 'An environment has an active deployment (details.environment, details.activeDeploymentId), or a freeze window is in force.' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid body: errors[] name the fields (waves[1].environments[0]) and rules; nothing written.' })
  start(@Ctx() ctx: RequestContext, @Param('app') app: string, @Body() body: StartWaveDto): Promise<WaveRunModel> {
    return this.waves.start(ctx, app, body);
  }

  @Get('apps/:app/wave-runs')
  @ApiOkResponse({ type: WaveRunPage, description: 'Newest first.' })
  list(@Param('app') app: string, @Query() query: PageQuery): Promise<WaveRunPage> {
    return this.waves.list(app, query);
  }

  @Get('wave-runs/:id')
  @ApiOkResponse({ type: WaveRunModel })
  get(@Param('id') id: string): Promise<WaveRunModel> {
    return this.waves.get(id);
  }

  @Post('wave-runs/:id/abort')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('wave-run.abort')
  @ApiAcceptedResponse({ type: WaveRunModel, description: 'Aborted: every deployment of the run in flight is aborted; no further wave starts.' })
  @ApiConflictResponse({ description: 'The run has ended.' })
  abort(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: WaveRunCommandDto): Promise<WaveRunModel> {
    return this.run(ctx, id, 'abort', body);
  }

  @Post('wave-runs/:id/pause')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('wave-run.pause')
  @ApiAcceptedResponse({ type: WaveRunModel, description: 'Paused: nothing new starts (deployments under way go on).' })
  pause(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: WaveRunCommandDto): Promise<WaveRunModel> {
    return this.run(ctx, id, 'pause', body);
  }

  @Post('wave-runs/:id/resume')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('wave-run.resume')
  @ApiAcceptedResponse({ type: WaveRunModel })
  resume(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: WaveRunCommandDto): Promise<WaveRunModel> {
    return this.run(ctx, id, 'resume', body);
  }

  @Post('wave-runs/:id/promote')
  @HttpCode(202)
  @Roles('viewer')
  @AuditAction('wave-run.promote')
  @ApiAcceptedResponse({ type: WaveRunModel, description: 'Passes a manual gate, or counts an approval at an approval gate (which names the roles it admits).' })
  @ApiConflictResponse({ description: 'No gate waits for a promote, or the caller may not approve it.' })
  promote(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: WaveRunCommandDto): Promise<WaveRunModel> {
    return this.run(ctx, id, 'promote', body);
  }

  private run(ctx: RequestContext, id: string, type: WaveRunCommandType, body: WaveRunCommandDto): Promise<WaveRunModel> {
    return this.waves.command(ctx, id, type, body.reason ?? null);
  }
}
