import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { PageQuery } from '../../../common/pagination/page-query.dto';
import { IsDns1123Label } from '../../../common/validation/k8s-name.decorators';

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

@InputType('CreateFreezeWindowInput')
export class CreateFreezeWindowDto {
  @ApiProperty({ example: 'year-end' })
  @Field()
  @IsDns1123Label()
  name!: string;

  @ApiPropertyOptional({ type: [String], description: 'Apps it covers; absent or empty = every app.' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(DNS_NAME, { each: true, message: 'each app must be a DNS-1123 label' })
  apps?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Environments it covers; absent or empty = every environment.' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Matches(DNS_NAME, { each: true, message: 'each environment must be a DNS-1123 label' })
  environments?: string[];

  @ApiPropertyOptional({ example: '0 18 * * 5', description: 'Recurring: a cron expression (5 or 6 fields); each occurrence starts a freeze lasting `duration`.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cron?: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string', example: '62h' }, { type: 'integer' }], description: 'Recurring: how long each occurrence lasts ("62h", "90m") or seconds.' })
  @Field(() => JSONScalar, { nullable: true })
  @IsOptional()
  duration?: string | number;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'Recurring: the IANA time zone the cron expression is read in; UTC when absent.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timeZone?: string;

  @ApiPropertyOptional({ example: '2026-12-24T00:00:00Z', description: 'Absolute: start (ISO 8601 with a zone).' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-27T00:00:00Z', description: 'Absolute: end, exclusive (ISO 8601 with a zone).' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;

  @ApiProperty({ example: 'Year-end change freeze' })
  @Field()
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({ type: [String], enum: ['viewer', 'deployer'], isArray: true, description: 'Roles besides admin that may override (break glass) with `override: {reason}`.' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsIn(['viewer', 'deployer'], { each: true, message: 'each override role must be viewer or deployer (admin always may)' })
  overrideRoles?: Array<'viewer' | 'deployer'>;
}

@ArgsType()
export class FreezeWindowsQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-12-24T12:00:00Z', description: 'Only the windows in force at this instant (ISO 8601 with a zone, or "now").' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  at?: string;
}
