import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { CreateTokenDto } from './dto/create-token.dto';
import { CreatedTokenModel, TokenModel, TokenPage } from './models/token.model';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @AuditAction('token.create')
  @ApiCreatedResponse({ type: CreatedTokenModel, description: 'The secret is in this response only.' })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateTokenDto): Promise<CreatedTokenModel> {
    return this.tokens.create(ctx, body);
  }

  @Get()
  @ApiOkResponse({ type: TokenPage })
  list(@Query() query: PageQuery): Promise<TokenPage> {
    return this.tokens.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: TokenModel })
  get(@Param('id') id: string): Promise<TokenModel> {
    return this.tokens.get(id);
  }

  @Delete(':id')
  @AuditAction('token.revoke')
  @ApiOkResponse({ type: TokenModel, description: 'The token, now revoked.' })
  revoke(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<TokenModel> {
    return this.tokens.revoke(ctx, id);
  }
}
