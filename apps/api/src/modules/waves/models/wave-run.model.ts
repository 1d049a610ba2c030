import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { Paginated } from '../../../common/pagination/paginated.model';

@ObjectType('WaveEnvironment')
export class WaveEnvironmentModel {
  @ApiProperty({ example: 'prod-eu' })
  @Field()
  environment!: string;

  @ApiProperty({ example: 'eu-1', description: 'The cluster the environment deploys to.' })
  @Field()
  cluster!: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The deployment the run started here (GET /v1/deployments/:id); null before it starts.' })
  @Field(() => String, { nullable: true })
  deploymentId!: string | null;

  @ApiProperty({ example: 'Progressing', description: 'Waiting (not started), Starting, Refused (could not start), or the deployment\'s phase.' })
  @Field()
  phase!: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why it failed or could not start.' })
  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@ObjectType('WaveGate')
export class WaveGateModel {
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Seconds to bake after every environment of the wave succeeded.' })
  @Field(() => Int, { nullable: true })
  bakeSeconds!: number | null;

  @ApiProperty({ description: 'Waits for POST /v1/wave-runs/:id/promote.' })
  @Field()
  manual!: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'Analysis templates (and args) the gate measures.' })
  @Field(() => JSONScalar, { nullable: true })
  analysis!: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: '{required, from, excludeCreator}: distinct approvers who promote the gate.' })
  @Field(() => JSONScalar, { nullable: true })
  approval!: Record<string, unknown> | null;

  @ApiProperty({ example: 'Waiting', description: 'Pending (wave not done), Waiting, Open, or Closed (the run ended before it).' })
  @Field()
  phase!: string;

  @ApiProperty({ type: [String], example: ['bake'], description: 'What the gate still waits for: bake, promotion, approval, analysis.' })
  @Field(() => [String])
  waitingFor!: string[];

  @ApiPropertyOptional({ type: Date, nullable: true, description: 'When the bake ends.' })
  @Field(() => Date, { nullable: true })
  bakeUntil!: Date | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  promotedBy!: string | null;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  approvals!: string[];

  @ApiPropertyOptional({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  openedAt!: Date | null;
}

@ObjectType('Wave')
export class WaveModel {
  @ApiProperty({ example: 0 })
  @Field(() => Int)
  index!: number;

  @ApiProperty({ example: 'canary-region' })
  @Field()
  name!: string;

  @ApiProperty({ example: 'Running', description: 'Pending, Running, Gate, Passed, Failed, Aborted, Skipped.' })
  @Field()
  phase!: string;

  @ApiPropertyOptional({ type: Number, nullable: true })
  @Field(() => Int, { nullable: true })
  maxParallel!: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The label selector the environments were chosen by, frozen at creation.' })
  @Field(() => String, { nullable: true })
  selector!: string | null;

  @ApiProperty({ type: WaveGateModel })
  @Field(() => WaveGateModel)
  gate!: WaveGateModel;

  @ApiProperty({ type: [WaveEnvironmentModel] })
  @Field(() => [WaveEnvironmentModel])
  environments!: WaveEnvironmentModel[];
}

@ObjectType('WaveRunEvent')
export class WaveRunEventModel {
  @ApiProperty({ example: 'WaveGateOpened' })
  @Field()
  type!: string;

  @ApiProperty()
  @Field()
  message!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  actor!: string | null;

  @ApiProperty({ type: Date })
  @Field(() => Date)
  at!: Date;
}

@ObjectType('WaveRun')
export class WaveRunModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ example: 'shop' })
  @Field()
  app!: string;

  @ApiProperty({ example: '2.0.0' })
  @Field()
  release!: string;

  @ApiProperty({ example: 'Running', description: 'Running, Paused, Succeeded, Failed, Aborted.' })
  @Field()
  phase!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'UserPaused' })
  @Field(() => String, { nullable: true })
  pauseReason!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  reason!: string | null;

  @ApiProperty({ example: 0, description: 'Index of the wave under way (or at its gate); the number of waves once all passed.' })
  @Field(() => Int)
  currentWave!: number;

  @ApiProperty()
  @Field()
  stopOnFailure!: boolean;

  @ApiProperty()
  @Field()
  rollbackCompleted!: boolean;

  @ApiProperty()
  @Field(() => Int)
  failureBudget!: number;

  @ApiProperty({ description: 'Environments that failed, rolled back, were aborted, superseded or could not start.' })
  @Field(() => Int)
  failures!: number;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the run stopped starting waves.' })
  @Field(() => String, { nullable: true })
  stopReason!: string | null;

  @ApiProperty({ type: [WaveModel] })
  @Field(() => [WaveModel])
  waves!: WaveModel[];

  @ApiProperty({ type: [WaveRunEventModel], description: "The run's own timeline (its last 200 entries)." })
  @Field(() => [WaveRunEventModel])
  history!: WaveRunEventModel[];

  @ApiProperty({ example: 1, description: 'Moves with every change.' })
  @Field(() => Int)
  version!: number;

  @ApiProperty()
  @Field()
  createdBy!: string;

  @ApiProperty({ type: Date })
  @Field(() => Date)
  createdAt!: Date;

  @ApiProperty({ type: Date })
  @Field(() => Date)
  updatedAt!: Date;

  @ApiPropertyOptional({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType('WaveRunPage')
export class WaveRunPage extends Paginated(WaveRunModel, 'WaveRunPage') {}
