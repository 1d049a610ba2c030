import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { IsDns1123Label, IsJsonObject } from '../../../common/validation/k8s-name.decorators';

export const MAX_REASON_LENGTH = 1_000;

@InputType('FreezeOverrideInput')
export class FreezeOverrideDto {
  @ApiProperty({ example: 'hotfix for the checkout outage', description: 'Why the freeze is broken: kept on the deployment, its timeline and audit entry.' })
  @Field()
  @IsString()
  @MinLength(1, { message: 'override.reason must not be empty' })
  @MaxLength(MAX_REASON_LENGTH)
  reason!: string;
}

@InputType('CreateDeploymentInput')
export class CreateDeploymentDto {
  @ApiProperty({ example: 'checkout' })
  @Field()
  @IsDns1123Label()
  app!: string;

  @ApiProperty({ example: 'production' })
  @Field()
  @IsDns1123Label()
  environment!: string;

  @ApiProperty({ example: '1.4.0', description: 'A recorded release version of the app.' })
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  release!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "Overrides the environment's default strategy for this deployment (docs/deployments.md).",
    example: { type: 'Canary', steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }] },
  })
  @Field(() => JSONScalar, { nullable: true, description: "Overrides the environment's default strategy document." })
  @IsOptional()
  @IsJsonObject()
  strategy?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: MAX_REASON_LENGTH, example: 'weekly release' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;

  @ApiPropertyOptional({ description: 'End the active deployment of the environment (as Superseded) instead of refusing with 409.' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  supersede?: boolean;

  @ApiPropertyOptional({ type: FreezeOverrideDto, description: 'Break-glass through a freeze window in force: admins, or a role the window names (docs/gates.md).' })
  @Field(() => FreezeOverrideDto, { nullable: true })
  @IsOptional()
  @IsObject({ message: 'override must be an object {reason}' })
  @ValidateNested()
  @Type(() => FreezeOverrideDto)
  override?: FreezeOverrideDto;

  @ApiPropertyOptional({ description: 'Validate and answer the plan (200) without creating anything (docs/gates.md).' })
  @Field(() => Boolean, { nullable: true, description: 'Use the planDeployment query for a dry-run over GraphQL.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
