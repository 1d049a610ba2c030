import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { phases } from '@cutover/domain';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { Paginated } from '../../../common/pagination/paginated.model';

/** A deployment as lists and history show it. */
@ObjectType('Deployment')
export class DeploymentModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ example: 'checkout' })
  @Field()
  app!: string;

  @ApiProperty({ example: 'production' })
  @Field()
  environment!: string;

  @ApiProperty({ example: '1.4.0', description: 'The release being deployed.' })
  @Field()
  release!: string;

  @ApiProperty({ type: String, nullable: true, example: '1.3.2', description: 'The release that served before (null for the first deployment).' })
  @Field(() => String, { nullable: true })
  previousRelease!: string | null;

  @ApiProperty({ enum: ['deploy', 'rollback'] })
  @Field()
  kind!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'For a rollback: the deployment it rolls back.' })
  @Field(() => ID, { nullable: true })
  rollbackOf!: string | null;

  @ApiProperty({ enum: phases })
  @Field()
  phase!: string;

  @ApiProperty({ type: String, nullable: true, enum: ['PauseStep', 'AwaitingPromotion', 'UserPaused', 'Inconclusive', 'ClusterUnreachable', 'AwaitingApproval'] })
  @Field(() => String, { nullable: true })
  pauseReason!: string | null;

  @ApiProperty({ description: 'Active deployments are Pending, Progressing or Paused (one per environment).' })
  @Field()
  active!: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The effective (normalised) strategy document.' })
  @Field(() => JSONScalar)
  strategy!: unknown;

  @ApiProperty({ description: 'Grows with every change the worker commits.' })
  @Field(() => Int)
  version!: number;

  @ApiProperty({ example: 'W/"3"', description: 'Send it back as If-Match with a command.' })
  @Field()
  etag!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed.' })
  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @ApiProperty({ description: 'Name of the token that started it.' })
  @Field()
  createdBy!: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;

  @ApiPropertyOptional({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { reason: 'hotfix', by: 'ops-admin', role: 'admin', windows: [{ id: '…', name: 'year-end', until: '2026-12-27T00:00:00.000Z' }] },
    description: 'Set when it was created through a freeze window (break-glass): who, why, which windows.',
  })
  @Field(() => JSONScalar, { nullable: true })
  freezeOverride!: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The wave run that started it (GET /v1/wave-runs/:id); null for a single deployment.' })
  @Field(() => String, { nullable: true })
  waveRunId!: string | null;
}

@ObjectType('DeploymentPage')
export class DeploymentPage extends Paginated(DeploymentModel, 'DeploymentPage') {}

@ObjectType('DeploymentCommand')
export class DeploymentCommandModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ enum: ['promote', 'pause', 'resume', 'abort', 'rollback', 'retry'] })
  @Field()
  type!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { full: false } })
  @Field(() => JSONScalar)
  payload!: unknown;

  @ApiProperty()
  @Field()
  actor!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  reason!: string | null;

  @ApiProperty({ enum: ['pending', 'applied', 'rejected'] })
  @Field()
  status!: string;

  @ApiProperty({ type: String, nullable: true, description: 'What applying it did, or why the worker refused it.' })
  @Field(() => String, { nullable: true })
  result!: string | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiPropertyOptional({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  consumedAt!: Date | null;
}

/** The 202 answer of a command: the command written, and the deployment it concerns (a new one for a rollback of a succeeded deployment). */
@ObjectType('DeploymentCommandResult')
export class DeploymentCommandResultModel {
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The command row (null when a rollback started a new deployment).' })
  @Field(() => ID, { nullable: true })
  commandId!: string | null;

  @ApiProperty({ type: DeploymentCommandModel, nullable: true })
  @Field(() => DeploymentCommandModel, { nullable: true })
  command!: DeploymentCommandModel | null;

  @ApiProperty({ type: DeploymentModel })
  @Field(() => DeploymentModel)
  deployment!: DeploymentModel;
}
