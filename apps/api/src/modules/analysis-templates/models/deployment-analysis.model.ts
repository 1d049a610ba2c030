import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';

@ObjectType('AnalysisMeasurement')
export class AnalysisMeasurementModel {
  @ApiProperty({ example: '42' })
  @Field()
  id!: string;

  @ApiProperty({ example: 'step2-1' })
  @Field()
  runId!: string;

  @ApiProperty({ enum: ['step', 'background', 'prePromotion', 'postPromotion'] })
  @Field()
  stage!: string;

  @ApiProperty({ example: 'error-rate' })
  @Field()
  metric!: string;

  @ApiProperty({ enum: ['prometheus', 'web', 'job', 'http'] })
  @Field()
  provider!: string;

  @ApiProperty({ enum: ['Successful', 'Failed', 'Inconclusive', 'Error'] })
  @Field()
  phase!: string;

  @ApiProperty({ type: String, nullable: true, example: '[0.012]', description: '`result` as JSON text ("NaN" spelled out); null for an error.' })
  @Field(() => String, { nullable: true })
  value!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why: the failing condition, "no data (empty result)", the error.' })
  @Field(() => String, { nullable: true })
  message!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The query or request as sent.' })
  @Field(() => String, { nullable: true })
  query!: string | null;

  @ApiProperty({ description: 'When it was due.' })
  @Field()
  scheduledAt!: Date;

  @ApiProperty({ description: 'When it was taken.' })
  @Field()
  measuredAt!: Date;
}

@ObjectType('AnalysisRun')
export class AnalysisRunModel {
  @ApiProperty({ example: 'background-1' })
  @Field()
  runId!: string;

  @ApiProperty({ enum: ['step', 'background', 'prePromotion', 'postPromotion'] })
  @Field()
  stage!: string;

  @ApiProperty({ enum: ['Running', 'Successful', 'Failed', 'Inconclusive', 'Error', 'Stopped'] })
  @Field()
  phase!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  message!: string | null;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Per metric: phase and counts (successful, failed, inconclusive, error), lastValue.' })
  @Field(() => JSONScalar)
  metrics!: unknown;

  @ApiProperty()
  @Field()
  startedAt!: Date;
}

@ObjectType('DeploymentAnalysis')
export class DeploymentAnalysisModel {
  @ApiProperty({ type: AnalysisRunModel, isArray: true, description: 'Every analysis run, oldest first.' })
  @Field(() => [AnalysisRunModel])
  runs!: AnalysisRunModel[];

  @ApiProperty({ type: AnalysisMeasurementModel, isArray: true, description: 'The latest measurements (at most 200), oldest first.' })
  @Field(() => [AnalysisMeasurementModel])
  measurements!: AnalysisMeasurementModel[];
}
