import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { CreateFreezeWindowDto, FreezeWindowsQuery } from './dto/freeze-window.dto';
import { FreezeWindowsService } from './freeze-windows.service';
import { FreezeWindowModel, FreezeWindowPage } from './models/freeze-window.model';

@Resolver(() => FreezeWindowModel)
export class FreezeWindowsResolver {
  constructor(private readonly service: FreezeWindowsService) {}

  @Query(() => FreezeWindowPage)
  @Roles('viewer')
  freezeWindows(@Args() args: FreezeWindowsQuery): Promise<FreezeWindowPage> {
    return this.service.list(args);
  }

  @Mutation(() => FreezeWindowModel)
  @Roles('admin')
  @AuditAction('freeze-window.create')
  createFreezeWindow(@Ctx() ctx: RequestContext, @Args('input') input: CreateFreezeWindowDto): Promise<FreezeWindowModel> {
    return this.service.create(ctx, input);
  }

  @Mutation(() => Boolean)
  @Roles('admin')
  @AuditAction('freeze-window.delete')
  async deleteFreezeWindow(@Ctx() ctx: RequestContext, @Args('id') id: string): Promise<boolean> {
    await this.service.delete(ctx, id);
    return true;
  }
}
