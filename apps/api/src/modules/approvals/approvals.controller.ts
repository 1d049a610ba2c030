import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { ApprovalsService } from './approvals.service';
import { ApproveDeploymentDto } from './dto/approve.dto';
import { DeploymentApprovalsModel } from './models/approval.model';

/** Viewers may call it: who may approve is the environment policy's `from`, not the token's role alone. */
@ApiTags('deployments')
@ApiBearerAuth()
@Roles('viewer')
@Controller('v1/deployments/:id/approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Post()
  @HttpCode(201)
  @AuditAction('deployment.approve')
  @ApiOkResponse({ type: DeploymentApprovalsModel, description: 'Recorded: the gate it counts for, who counted, who is still needed.' })
  approve(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: ApproveDeploymentDto): Promise<DeploymentApprovalsModel> {
    return this.approvals.approve(ctx, id, body.reason ?? null);
  }

  @Get()
  @ApiOkResponse({ type: DeploymentApprovalsModel })
  list(@Param('id') id: string): Promise<DeploymentApprovalsModel> {
    return this.approvals.list(id);
  }
}
