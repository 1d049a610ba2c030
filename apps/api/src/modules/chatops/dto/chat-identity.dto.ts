import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { Role } from '@cutover/domain';
import { ROLES } from '../../../common/auth/roles.rules';

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SLACK_ID = /^[A-Z0-9]{2,32}$/;

@InputType('LinkChatIdentityInput')
export class LinkChatIdentityDto {
  @ApiProperty({ enum: ['slack'] })
  @Field(() => String)
  @IsIn(['slack'], { message: 'provider must be slack' })
  provider!: 'slack';

  @ApiProperty({ example: 'T0123ABCD', description: 'The Slack workspace (team) id.' })
  @Field()
  @IsString()
  @Matches(SLACK_ID, { message: 'teamId must be a Slack id like T0123ABCD' })
  teamId!: string;

  @ApiProperty({ example: 'U0456EFGH', description: 'The Slack user id (not the display name).' })
  @Field()
  @IsString()
  @Matches(SLACK_ID, { message: 'userId must be a Slack id like U0456EFGH' })
  userId!: string;

  @ApiProperty({ enum: ROLES })
  @Field(() => String)
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @ApiPropertyOptional({ type: [String], description: 'Apps a deployer may act on; empty = all (as for tokens).' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(DNS_NAME, { each: true, message: 'each app must be a DNS-1123 label' })
  apps?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Environments a deployer may act on; empty = all.' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(DNS_NAME, { each: true, message: 'each environment must be a DNS-1123 label' })
  environments?: string[];
}
