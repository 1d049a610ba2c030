import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { Paginated } from '../../../common/pagination/paginated.model';

@ObjectType('ClusterLastCheck')
export class ClusterLastCheckModel {
  @ApiProperty()
  @Field()
  at!: Date;

  @ApiProperty()
  @Field()
  ok!: boolean;

  @ApiProperty({ description: 'The server version when ok, else why the check failed.' })
  @Field()
  info!: string;
}

/** A registered cluster. Its credentials are never part of it. */
@ObjectType('Cluster')
export class ClusterModel {
  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ description: 'API server URL.' })
  @Field()
  server!: string;

  @ApiProperty({ enum: ['kubeconfig', 'token'] })
  @Field()
  authKind!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  @Field(() => JSONScalar)
  labels!: Record<string, string>;

  @ApiPropertyOptional({ type: ClusterLastCheckModel, nullable: true })
  @Field(() => ClusterLastCheckModel, { nullable: true })
  lastCheck!: ClusterLastCheckModel | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

@ObjectType('ClusterPage')
export class ClusterPage extends Paginated(ClusterModel, 'ClusterPage') {}

@ObjectType('ClusterCheck')
export class ClusterCheckModel {
  @ApiProperty()
  @Field()
  ok!: boolean;

  @ApiPropertyOptional({ example: 'v1.31.0' })
  @Field(() => String, { nullable: true })
  version?: string;

  @ApiPropertyOptional({ example: 'unreachable: connection refused (https://10.0.0.1:6443)' })
  @Field(() => String, { nullable: true })
  reason?: string;

  @ApiProperty()
  @Field()
  checkedAt!: Date;
}
