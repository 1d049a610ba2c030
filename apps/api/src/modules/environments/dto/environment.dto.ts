import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsBoolean, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { IsDns1123Label, IsJsonObject, IsPortRef } from '../../../common/validation/k8s-name.decorators';

export const MAX_REPLICAS = 1000;

@InputType('EnvironmentServiceInput')
export class EnvironmentServiceDto {
  @ApiProperty({ minimum: 1, maximum: 65535, example: 80 })
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @ApiProperty({ oneOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string' }], example: 'http' })
  @Field(() => JSONScalar, { description: 'A port number (1..65535) or a container port name.' })
  @IsPortRef()
  targetPort!: number | string;
}

@InputType('CreateEnvironmentInput')
export class CreateEnvironmentDto {
  @ApiProperty({ example: 'production' })
  @Field()
  @IsDns1123Label()
  name!: string;

  @ApiProperty({ example: 'sandbox', description: 'A registered cluster.' })
  @Field()
  @IsDns1123Label()
  cluster!: string;

  @ApiProperty({ example: 'checkout' })
  @Field()
  @IsDns1123Label()
  namespace!: string;

  @ApiProperty({ minimum: 0, maximum: MAX_REPLICAS, example: 3 })
  @Field(() => Int)
  @IsInt()
  @Min(0)
  @Max(MAX_REPLICAS)
  replicas!: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' } })
  @Field(() => JSONScalar, { nullable: true, description: 'Default strategy document; RollingUpdate 25%/25% when absent.' })
  @IsOptional()
  @IsJsonObject()
  strategy?: Record<string, unknown>;

  @ApiPropertyOptional({ type: EnvironmentServiceDto })
  @Field(() => EnvironmentServiceDto, { nullable: true })
  @IsOptional()
  @IsObject({ message: 'service must be an object {port, targetPort}' })
  @ValidateNested()
  @Type(() => EnvironmentServiceDto)
  service?: EnvironmentServiceDto;

  @ApiPropertyOptional({ description: 'Chat commands that deploy, promote, abort or roll back here ask for a confirmation button first.' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  protected?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { tier: 'prod', region: 'eu' },
    description: 'Kubernetes-syntax labels (key [prefix/]name, value ≤63 characters, at most 64); rollout waves select environments by them (environmentSelector).',
  })
  @Field(() => JSONScalar, { nullable: true, description: 'Kubernetes-syntax labels (key [prefix/]name, value ≤63 characters, at most 64); rollout waves select environments by them (environmentSelector).' })
  @IsOptional()
  @IsObject({ message: 'labels must be an object of string values' })
  labels?: Record<string, unknown>;
}

/**
 * PATCH: replicas, strategy, service, protection, approvals and labels change; `service: null` removes the Service port. name, cluster and
 * namespace are accepted here only so the service can refuse them by name (rule `immutable`).
 */
@InputType('UpdateEnvironmentInput')
export class UpdateEnvironmentDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_REPLICAS })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_REPLICAS)
  replicas?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @Field(() => JSONScalar, { nullable: true })
  @IsOptional()
  @IsJsonObject()
  strategy?: Record<string, unknown>;

  @ApiPropertyOptional({ type: EnvironmentServiceDto, nullable: true })
  @Field(() => EnvironmentServiceDto, { nullable: true })
  @IsOptional()
  // An array (or any non-object) is refused, not read as "no service": only an explicit null removes the Service.
  @IsObject({ message: 'service must be an object {port, targetPort}, or null to remove the Service' })
  @ValidateNested()
  @Type(() => EnvironmentServiceDto)
  service?: EnvironmentServiceDto | null;

  @ApiPropertyOptional({ description: 'Chat commands that deploy, promote, abort or roll back here ask for a confirmation button first.' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  protected?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { required: 2, from: ['deployer'], expiresAfter: '4h', excludeDeployer: true, on: 'final' },
    description:
      'Approval policy: required (1..20) distinct approvers from `from` (roles, token:<name>, slack:<teamId>/<userId>; default [deployer]), ' +
      'expiresAfter ("4h" or seconds), excludeDeployer (default: on for protected environments), on: first-shift | final | both (default final). null removes it.',
  })
  @Field(() => JSONScalar, { nullable: true })
  @IsOptional()
  @IsJsonObject()
  approvals?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { tier: 'prod', region: 'eu' },
    description: 'Replaces the labels (Kubernetes syntax; {} removes them all). Rollout waves select environments by them.',
  })
  @Field(() => JSONScalar, { nullable: true, description: 'Replaces the labels (Kubernetes syntax; {} removes them all). Rollout waves select environments by them.' })
  @IsOptional()
  @IsObject({ message: 'labels must be an object of string values' })
  labels?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Immutable: refused unless unchanged.' })
  @Field(() => String, { nullable: true })
  @Allow()
  name?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: refused unless unchanged.' })
  @Field(() => String, { nullable: true })
  @Allow()
  cluster?: unknown;

  @ApiPropertyOptional({ description: 'Immutable: refused unless unchanged.' })
  @Field(() => String, { nullable: true })
  @Allow()
  namespace?: unknown;
}
