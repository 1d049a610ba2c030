import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { ChatIdentitiesService } from './chat-identities.service';
import { LinkChatIdentityDto } from './dto/chat-identity.dto';
import { ChatIdentityModel, ChatIdentityPage } from './models/chat-identity.model';

@Roles('admin')
@Resolver(() => ChatIdentityModel)
export class ChatIdentitiesResolver {
  constructor(private readonly service: ChatIdentitiesService) {}

  @Mutation(() => ChatIdentityModel)
  @AuditAction('chat-identity.link')
  async linkChatIdentity(@Ctx() ctx: RequestContext, @Args('input') input: LinkChatIdentityDto): Promise<ChatIdentityModel> {
    return (await this.service.link(ctx, input)).identity;
  }

  @Query(() => ChatIdentityPage)
  chatIdentities(@Args() args: PageQuery): Promise<ChatIdentityPage> {
    return this.service.list(args);
  }

  @Mutation(() => Boolean)
  @AuditAction('chat-identity.unlink')
  async unlinkChatIdentity(@Ctx() ctx: RequestContext, @Args('id') id: string): Promise<boolean> {
    await this.service.unlink(ctx, id);
    return true;
  }
}
