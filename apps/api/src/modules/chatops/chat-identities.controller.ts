import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { ChatIdentitiesService } from './chat-identities.service';
import { LinkChatIdentityDto } from './dto/chat-identity.dto';
import { ChatIdentityModel, ChatIdentityPage } from './models/chat-identity.model';

interface StatusSink {
  status(code: number): unknown;
}

@ApiTags('chatops')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/chat-identities')
export class ChatIdentitiesController {
  constructor(private readonly identities: ChatIdentitiesService) {}

  @Post()
  @AuditAction('chat-identity.link')
  @ApiCreatedResponse({ type: ChatIdentityModel, description: 'Linked (201), or relinked with the new role and scopes (200).' })
  async link(@Ctx() ctx: RequestContext, @Body() body: LinkChatIdentityDto, @Res({ passthrough: true }) res: StatusSink): Promise<ChatIdentityModel> {
    const { identity, created } = await this.identities.link(ctx, body);
    res.status(created ? 201 : 200);
    return identity;
  }

  @Get()
  @ApiOkResponse({ type: ChatIdentityPage })
  list(@Query() query: PageQuery): Promise<ChatIdentityPage> {
    return this.identities.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @AuditAction('chat-identity.unlink')
  @ApiNoContentResponse({ description: 'Unlinked: the chat user can no longer act.' })
  unlink(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    return this.identities.unlink(ctx, id);
  }
}
