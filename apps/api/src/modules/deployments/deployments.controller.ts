import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiHeader,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { CommandIntent, RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { type ConditionalReply, sendConditional } from '../../common/http/conditional-get';
import { idempotencyKeyOf } from '../../common/idempotency/idempotency.service';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { DeploymentPlansService } from '../plans/deployment-plans.service';
import { DryRunAnswerModel } from '../plans/models/deployment-plan.model';
import { DeploymentCommandsService } from './deployment-commands.service';
import { DeploymentQueriesService } from './deployment-queries.service';
import { DeploymentStartService } from './deployment-start.service';
import { CreateDeploymentDto } from './dto/create-deployment.dto';
import { DeploymentCommandDto, PromoteDeploymentDto } from './dto/deployment-command.dto';
import { ListDeploymentsQuery } from './dto/list-deployments.dto';
import { DeploymentDetailModel } from './models/deployment-detail.model';
import { DeploymentCommandResultModel, DeploymentModel, DeploymentPage } from './models/deployment.model';

/** What Fastify's reply and Express's response both offer. */
interface HeaderSink {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
}

const IF_MATCH = { name: 'If-Match', required: false, description: 'The ETag of GET /v1/deployments/:id; 412 when the deployment has moved on.' };

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
export class DeploymentsController {
  constructor(
    private readonly start: DeploymentStartService,
    private readonly commands: DeploymentCommandsService,
    private readonly queries: DeploymentQueriesService,
    private readonly plans: DeploymentPlansService,
  ) {}

  @Post('deployments')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('deployment.create')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key and body within 24 h answers the first answer again and starts nothing.' })
  @ApiAcceptedResponse({ type: DeploymentModel, description: 'Created (phase Pending); the worker takes it from here.' })
  @ApiOkResponse({ type: DryRunAnswerModel, description: 'dryRun: true: validated like a create, nothing written, the plan.' })
  @ApiConflictResponse({ description: 'Another deployment is active in the environment (details.activeDeploymentId), or a freeze window is in force (details.freezeWindow, details.frozenUntil).' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid body or strategy (errors[] name the fields), or an Idempotency-Key reused with another body.' })
  async create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateDeploymentDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<DeploymentModel | DryRunAnswerModel> {
    if (body.dryRun === true) {
      res.status(200);
      return this.plans.dryRun(ctx, body);
    }
    const answer = await this.start.create(ctx, body, idempotencyKeyOf(key));
    if (answer.replayed) res.header('Idempotency-Replayed', 'true');
    res.header('ETag', answer.body.etag);
    return answer.body;
  }

  @Get('deployments')
  @ApiOkResponse({ type: DeploymentPage, description: 'Newest first.' })
  list(@Query() query: ListDeploymentsQuery): Promise<DeploymentPage> {
    return this.queries.list(query);
  }

  @Get('deployments/:id')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag you have: 304 without a body while nothing changed.' })
  @ApiOkResponse({
    type: DeploymentDetailModel,
    headers: { ETag: { description: 'W/"<version>-<commands>": send it as If-None-Match to poll cheaply, or as If-Match with a command.' } },
  })
  @ApiResponse({ status: 304, description: 'Not modified since the ETag in If-None-Match.' })
  async get(@Param('id') id: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: ConditionalReply): Promise<void> {
    const detail = await this.queries.get(id);
    sendConditional(ifNoneMatch, res, detail.etag, detail);
  }

  @Get('apps/:app/environments/:env/history')
  @ApiOkResponse({ type: DeploymentPage, description: 'What ran in the environment, newest first.' })
  history(@Param('app') app: string, @Param('env') env: string, @Query() query: PageQuery): Promise<DeploymentPage> {
    return this.queries.history({ ...query, app, environment: env });
  }

  @Post('deployments/:id/promote')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('deployment.promote')
  @ApiHeader(IF_MATCH)
  @ApiAcceptedResponse({ type: DeploymentCommandResultModel })
  @ApiConflictResponse({ description: 'Not allowed in the current phase (named in the problem), or a conflicting command is pending.' })
  @ApiPreconditionFailedResponse({ description: 'Stale If-Match.' })
  promote(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: PromoteDeploymentDto, @Headers('if-match') ifMatch?: string): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, id, { type: 'promote', full: body.full === true }, body, ifMatch);
  }

  @Post('deployments/:id/pause')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('deployment.pause')
  @ApiHeader(IF_MATCH)
  @ApiAcceptedResponse({ type: DeploymentCommandResultModel })
  pause(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: DeploymentCommandDto, @Headers('if-match') ifMatch?: string): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, id, { type: 'pause' }, body, ifMatch);
  }

  @Post('deployments/:id/resume')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('deployment.resume')
  @ApiHeader(IF_MATCH)
  @ApiAcceptedResponse({ type: DeploymentCommandResultModel })
  resume(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: DeploymentCommandDto, @Headers('if-match') ifMatch?: string): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, id, { type: 'resume' }, body, ifMatch);
  }

  @Post('deployments/:id/abort')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('deployment.abort')
  @ApiHeader(IF_MATCH)
  @ApiAcceptedResponse({ type: DeploymentCommandResultModel })
  abort(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: DeploymentCommandDto, @Headers('if-match') ifMatch?: string): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, id, { type: 'abort' }, body, ifMatch);
  }

  @Post('deployments/:id/rollback')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('deployment.rollback')
  @ApiHeader(IF_MATCH)
  @ApiAcceptedResponse({
    type: DeploymentCommandResultModel,
    description: 'An active deployment: a rollback command (it goes RollingBack → RolledBack). The latest succeeded one: a new deployment of the release before it (command null).',
  })
  rollback(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: DeploymentCommandDto, @Headers('if-match') ifMatch?: string): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, id, { type: 'rollback' }, body, ifMatch);
  }

  @Post('deployments/:id/retry')
  @HttpCode(202)
  @Roles('deployer')
  @AuditAction('deployment.retry')
  @ApiHeader(IF_MATCH)
  @ApiAcceptedResponse({ type: DeploymentCommandResultModel })
  retry(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: DeploymentCommandDto, @Headers('if-match') ifMatch?: string): Promise<DeploymentCommandResultModel> {
    return this.run(ctx, id, { type: 'retry' }, body, ifMatch);
  }

  private run(ctx: RequestContext, id: string, intent: CommandIntent, body: DeploymentCommandDto, ifMatch: string | undefined): Promise<DeploymentCommandResultModel> {
    return this.commands.command(ctx, id, { intent, reason: body.reason ?? null, ifMatch: ifMatch ?? null });
  }
}
