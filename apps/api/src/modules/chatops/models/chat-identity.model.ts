import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Paginated } from '../../../common/pagination/paginated.model';

/** A chat user linked to a role and scopes: chat commands act with these, under the same rules as tokens. */
@ObjectType('ChatIdentity')
export class ChatIdentityModel {
  @ApiProperty({ format: 'uuid' })
  @Field()
  id!: string;

  @ApiProperty({ enum: ['slack'] })
  @Field()
  provider!: string;

  @ApiProperty()
  @Field()
  teamId!: string;

  @ApiProperty()
  @Field()
  userId!: string;

  @ApiProperty({ enum: ['viewer', 'deployer', 'admin'] })
  @Field()
  role!: string;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  apps!: string[];

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  environments!: string[];

  @ApiProperty()
  @Field()
  createdBy!: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

@ObjectType('ChatIdentityPage')
export class ChatIdentityPage extends Paginated(ChatIdentityModel, 'ChatIdentityPage') {}
