import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NOTIFICATION_TYPES, type NotificationType } from '@cutover/domain';

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const CHANNEL_KINDS = ['webhook', 'slack'] as const;

/** The filters both create and update take. */
@InputType('NotificationChannelFiltersInput', { isAbstract: true })
abstract class ChannelFiltersDto {
  @ApiPropertyOptional({ type: [String], description: 'Only these apps; absent or empty = every app (a deployer must name its apps).' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(DNS_NAME, { each: true, message: 'each app must be a DNS-1123 label' })
  apps?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Only these environments; absent or empty = every environment.' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(DNS_NAME, { each: true, message: 'each environment must be a DNS-1123 label' })
  environments?: string[];

  @ApiPropertyOptional({ type: [String], enum: NOTIFICATION_TYPES, description: 'Only these event types; absent or empty = every type.' })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(NOTIFICATION_TYPES.length)
  @IsIn(NOTIFICATION_TYPES, { each: true, message: `each event must be one of ${NOTIFICATION_TYPES.join(', ')}` })
  events?: NotificationType[];
}

@InputType('CreateNotificationChannelInput')
export class CreateNotificationChannelDto extends ChannelFiltersDto {
  @ApiProperty({ example: 'shop-prod-alerts', description: 'A DNS-1123 label, unique.' })
  @Field()
  @IsString()
  @Length(1, 63)
  @Matches(DNS_NAME, { message: 'name must be a DNS-1123 label (lower-case letters, digits and -)' })
  name!: string;

  @ApiProperty({ enum: CHANNEL_KINDS })
  @Field(() => String)
  @IsIn(CHANNEL_KINDS, { message: 'kind must be webhook or slack' })
  kind!: 'webhook' | 'slack';

  @ApiProperty({ example: 'https://hooks.example.com/cutover', description: 'Stored encrypted, never returned (only its origin is).' })
  @Field()
  @IsString()
  @Length(1, 2048)
  url!: string;

  @ApiPropertyOptional({ description: 'Webhooks only: signs each delivery (Cutover-Signature). Stored encrypted, never returned.' })
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(16, 256, { message: 'secret must be 16 to 256 characters' })
  secret?: string;
}

@InputType('UpdateNotificationChannelInput')
export class UpdateNotificationChannelDto extends ChannelFiltersDto {
  @ApiPropertyOptional()
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  @Matches(DNS_NAME, { message: 'name must be a DNS-1123 label (lower-case letters, digits and -)' })
  name?: string;

  @ApiPropertyOptional()
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  url?: string;

  @ApiPropertyOptional({ nullable: true, description: 'A new secret; null removes it.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(16, 256, { message: 'secret must be 16 to 256 characters' })
  secret?: string | null;

  @ApiPropertyOptional({ description: 'true re-enables a disabled channel (and forgets its failures); false stops deliveries.' })
  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
