import { Field, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';

/**
 * New credentials for a registered cluster (and/or new labels). Either `kubeconfig`, or the token form: `server`,
 * `token`, `caData`, `insecureSkipTlsVerify` — a field left out of the token form keeps its stored value when the
 * cluster already uses a token. `labels`, when given, replace the labels.
 */
@InputType('UpdateClusterInput')
export class UpdateClusterDto {
  @ApiPropertyOptional({ description: 'Kubeconfig YAML; its current context is used. Credentials must be inline (no exec plugins, no file paths).' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(256 * 1024)
  kubeconfig?: string;

  @ApiPropertyOptional({ example: 'https://10.0.0.1:6443' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  server?: string;

  @ApiPropertyOptional({ description: 'Bearer token of a service account.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(16 * 1024)
  token?: string;

  @ApiPropertyOptional({ description: 'Base64 PEM of the API server CA.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(64 * 1024)
  caData?: string;

  @ApiPropertyOptional()
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  insecureSkipTlsVerify?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { region: 'eu-west-1' } })
  @Field(() => JSONScalar, { nullable: true })
  @IsOptional()
  @IsObject()
  labels?: Record<string, unknown>;
}
