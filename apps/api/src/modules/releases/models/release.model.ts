import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { Paginated } from '../../../common/pagination/paginated.model';

@ObjectType('Release')
export class ReleaseModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ example: 'checkout' })
  @Field()
  app!: string;

  @ApiProperty({ example: '1.4.0' })
  @Field()
  version!: string;

  @ApiProperty({ description: 'Order of recording within the app (1, 2, ...).' })
  @Field(() => Int)
  seq!: number;

  @ApiProperty({ example: 'sha256:9f2c…', description: 'sha256 of the canonical JSON of spec.' })
  @Field()
  digest!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The normalised spec: {podSpec, podLabels, podAnnotations, hooks: {preDeploy}} (docs/releases.md).',
  })
  @Field(() => JSONScalar)
  spec!: unknown;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  notes!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  commitSha!: string | null;

  @ApiProperty({ description: 'Name of the token that recorded it.' })
  @Field()
  createdBy!: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

@ObjectType('ReleasePage')
export class ReleasePage extends Paginated(ReleaseModel, 'ReleasePage') {}
