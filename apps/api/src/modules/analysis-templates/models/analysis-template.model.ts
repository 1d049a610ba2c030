import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';

@ObjectType('AnalysisTemplateArg')
export class AnalysisTemplateArgModel {
  @ApiProperty({ example: 'service' })
  @Field()
  name!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Default value; null = a deployment must pass one.' })
  @Field(() => String, { nullable: true })
  value!: string | null;
}

@ObjectType('AnalysisTemplate')
export class AnalysisTemplateModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ example: 'checkout' })
  @Field()
  app!: string;

  @ApiProperty({ example: 'error-rate' })
  @Field()
  name!: string;

  @ApiProperty({ description: '1, 2, ... per name: every POST of a name records the next version; deployments use the latest.' })
  @Field(() => Int)
  version!: number;

  @ApiProperty({ example: 'sha256:9f2c…', description: 'sha256 of the canonical JSON of {args, metrics}.' })
  @Field()
  digest!: string;

  @ApiProperty({ type: AnalysisTemplateArgModel, isArray: true })
  @Field(() => [AnalysisTemplateArgModel])
  args!: AnalysisTemplateArgModel[];

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Normalised metrics (docs/analysis.md).' })
  @Field(() => JSONScalar)
  metrics!: unknown;

  @ApiProperty({ type: String, nullable: true, enum: ['bearer', 'basic'], description: 'Kind of the sealed Prometheus credentials; the secret is never returned.' })
  @Field(() => String, { nullable: true })
  credentials!: string | null;

  @ApiProperty()
  @Field()
  createdBy!: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

@ObjectType('AnalysisTemplateList')
export class AnalysisTemplateList {
  @ApiProperty({ type: AnalysisTemplateModel, isArray: true })
  @Field(() => [AnalysisTemplateModel])
  items!: AnalysisTemplateModel[];
}
