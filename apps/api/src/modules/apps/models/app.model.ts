import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { Paginated } from '../../../common/pagination/paginated.model';

@ObjectType('App')
export class AppModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty({ example: 'checkout' })
  @Field()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  description!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  @Field(() => JSONScalar)
  labels!: Record<string, string>;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

@ObjectType('AppPage')
export class AppPage extends Paginated(AppModel, 'AppPage') {}
