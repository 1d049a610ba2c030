import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Role } from '@cutover/domain';
import { Paginated } from '../../../common/pagination/paginated.model';

export const RoleEnum = { viewer: 'viewer', deployer: 'deployer', admin: 'admin' } as const;
registerEnumType(RoleEnum, { name: 'Role', description: 'viewer < deployer < admin' });

@ObjectType('TokenScopes')
export class TokenScopesModel {
  @ApiPropertyOptional({ type: [String] })
  @Field(() => [String], { nullable: true })
  apps?: string[];

  @ApiPropertyOptional({ type: [String] })
  @Field(() => [String], { nullable: true })
  environments?: string[];
}

@ObjectType('Token')
export class TokenModel {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID)
  id!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ enum: Object.values(RoleEnum) })
  @Field(() => RoleEnum)
  role!: Role;

  @ApiProperty({ description: 'The first characters of the secret, to tell tokens apart.' })
  @Field()
  prefix!: string;

  @ApiProperty({ type: TokenScopesModel })
  @Field(() => TokenScopesModel)
  scopes!: TokenScopesModel;

  @ApiProperty()
  @Field()
  createdBy!: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreatedToken')
export class CreatedTokenModel extends TokenModel {
  @ApiProperty({ description: 'The bearer secret. Shown once: only its hash is stored.' })
  @Field({ description: 'The bearer secret. Shown once: only its hash is stored.' })
  secret!: string;
}

@ObjectType('TokenPage')
export class TokenPage extends Paginated(TokenModel, 'TokenPage') {}
