import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext, WaveRunCommandType } from '@cutover/domain';
import { AuditAction, Roles } from '../../common/auth/auth.decorators';
import { Ctx } from '../../common/context/ctx.decorator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { StartWaveDto, WaveRunCommandArgs } from './dto/start-wave.dto';
import { WaveRunModel, WaveRunPage } from './models/wave-run.model';
import { WaveRunsService } from './wave-runs.service';

@Resolver(() => WaveRunModel)
export class WaveRunsResolver {
  constructor(private readonly waves: WaveRunsService) {}

  @Query(() => WaveRunModel)
  waveRun(@Args('id', { type: () => ID }) id: string): Promise<WaveRunModel> {
    return this.waves.get(id);
  }

  @Query(() => WaveRunPage, { description: "An app's wave runs, newest first." })
  waveRuns(@Args('app') app: string, @Args() page: PageQuery): Promise<WaveRunPage> {
    return this.waves.list(app, page);
  }

  @Mutation(() => WaveRunModel, { description: 'POST /v1/apps/:app/waves' })
  @Roles('deployer')
  @AuditAction('wave-run.create')
  startWave(@Ctx() ctx: RequestContext, @Args('app') app: string, @Args('input') input: StartWaveDto): Promise<WaveRunModel> {
    return this.waves.start(ctx, app, input);
  }

  @Mutation(() => WaveRunModel)
  @Roles('deployer')
  @AuditAction('wave-run.abort')
  abortWaveRun(@Ctx() ctx: RequestContext, @Args() args: WaveRunCommandArgs): Promise<WaveRunModel> {
    return this.run(ctx, 'abort', args);
  }

  @Mutation(() => WaveRunModel)
  @Roles('deployer')
  @AuditAction('wave-run.pause')
  pauseWaveRun(@Ctx() ctx: RequestContext, @Args() args: WaveRunCommandArgs): Promise<WaveRunModel> {
    return this.run(ctx, 'pause', args);
  }

  @Mutation(() => WaveRunModel)
  @Roles('deployer')
  @AuditAction('wave-run.resume')
  resumeWaveRun(@Ctx() ctx: RequestContext, @Args() args: WaveRunCommandArgs): Promise<WaveRunModel> {
    return this.run(ctx, 'resume', args);
  }

  @Mutation(() => WaveRunModel)
  @Roles('viewer')
  @AuditAction('wave-run.promote')
  promoteWaveRun(@Ctx() ctx: RequestContext, @Args() args: WaveRunCommandArgs): Promise<WaveRunModel> {
    return this.run(ctx, 'promote', args);
  }

  private run(ctx: RequestContext, type: WaveRunCommandType, args: WaveRunCommandArgs): Promise<WaveRunModel> {
    return this.waves.command(ctx, args.id, type, args.reason ?? null);
  }
}
