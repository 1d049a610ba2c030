import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { CreateTokenDto } from './dto/create-token.dto';
import { CreatedTokenModel, TokenModel, TokenPage } from './models/token.model';
import { TokensService } from './tokens.service';

@Roles('admin')
@Resolver(() => TokenModel)
export class TokensResolver {
  constructor(private readonly service: TokensService) {}

  @Mutation(() => CreatedTokenModel)
  @AuditAction('token.create')
  createToken(@Ctx() ctx: RequestContext, @Args('input') input: CreateTokenDto): Promise<CreatedTokenModel> {
    return this.service.create(ctx, input);
  }

  @Query(() => TokenPage)
  tokens(@Args() args: PageQuery): Promise<TokenPage> {
    return this.service.list(args);
  }

  @Mutation(() => TokenModel)
  @AuditAction('token.revoke')
  revokeToken(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<TokenModel> {
    return this.service.revoke(ctx, id);
  }
}
