import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { Paginated } from '../../../common/pagination/paginated.model';

@ObjectType('EnvironmentService')
export class EnvironmentServiceModel {
  @ApiProperty()
  @Field(() => Int)
  port!: number;

  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'string' }] })
  @Field(() => JSONScalar, { description: 'A port number or a container port name.' })
  targetPort!: number | string;
}

@ObjectType('Environment')
export class EnvironmentModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ example: 'checkout' })
  @Field()
  app!: string;

  @ApiProperty({ example: 'production' })
  @Field()
  name!: string;

  @ApiProperty({ example: 'sandbox' })
  @Field()
  cluster!: string;

  @ApiProperty({ example: 'checkout' })
  @Field()
  namespace!: string;

  @ApiProperty()
  @Field(() => Int)
  replicas!: number;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The normalised default strategy document.' })
  @Field(() => JSONScalar)
  strategy!: unknown;

  @ApiProperty({ type: EnvironmentServiceModel, nullable: true })
  @Field(() => EnvironmentServiceModel, { nullable: true })
  service!: EnvironmentServiceModel | null;

  @ApiProperty({ description: 'Chat asks for a confirmation button before deploy, promote, abort and rollback here.' })
  @Field()
  protected!: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Approval policy {required, from, expiresAfterSeconds, excludeDeployer, on}; null: no approvals needed (docs/gates.md).',
  })
  @Field(() => JSONScalar, { nullable: true })
  approvals!: Record<string, unknown> | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { tier: 'prod', region: 'eu' }, description: 'Matched by rollout waves\' environmentSelector.' })
  @Field(() => JSONScalar)
  labels!: Record<string, string>;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

@ObjectType('EnvironmentPage')
export class EnvironmentPage extends Paginated(EnvironmentModel, 'EnvironmentPage') {}
