import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { IsDns1123Label, IsJsonObject } from '../../../common/validation/k8s-name.decorators';

export const MAX_REASON_LENGTH = 1_000;

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
}
