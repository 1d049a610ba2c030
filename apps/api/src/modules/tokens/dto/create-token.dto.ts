import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import type { Role } from '@cutover/domain';
import { ROLES } from '../../../common/auth/roles.rules';
import { RoleEnum } from '../models/token.model';

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

@InputType('TokenScopesInput')
export class TokenScopesDto {
  @ApiPropertyOptional({ type: [String], description: 'Apps a deployer may act on; absent = all (an empty list is refused).' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'omit apps to allow every app; an empty list would read as "none" and is refused' })
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(DNS_NAME, { each: true, message: 'each app must be a DNS-1123 label' })
  apps?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Environments a deployer may act on; absent = all (an empty list is refused).' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'omit environments to allow every environment; an empty list would read as "none" and is refused' })
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(DNS_NAME, { each: true, message: 'each environment must be a DNS-1123 label' })
  environments?: string[];
}

@InputType('CreateTokenInput')
export class CreateTokenDto {
  @ApiProperty({ example: 'ci-deployer', description: '1-64 letters, digits, dots, dashes, underscores or @.' })
  @Field()
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9][\w.@-]*$/, { message: 'name must start with a letter or digit and use only letters, digits, . _ - @' })
  name!: string;

  @ApiProperty({ enum: ROLES })
  @Field(() => RoleEnum)
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ type: TokenScopesDto, description: 'Only for deployer tokens.' })
  @Field(() => TokenScopesDto, { nullable: true })
  @IsOptional()
  // `scopes: []` once passed as "no restriction"; an array is a type error, not an empty scope.
  @IsObject({ message: 'scopes must be an object {apps?, environments?}' })
  @ValidateNested()
  @Type(() => TokenScopesDto)
  scopes?: TokenScopesDto;
}
