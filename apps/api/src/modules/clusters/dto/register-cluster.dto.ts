import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';

export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Either `kubeconfig`, or `server` + `token` (+ `caData`, `insecureSkipTlsVerify`). */
@InputType('RegisterClusterInput')
export class RegisterClusterDto {
  @ApiProperty({ example: 'prod-eu', description: 'DNS-1123 label.' })
  @Field()
  @IsString()
  @Length(1, 63)
  @Matches(DNS_1123_LABEL, { message: 'name must be a DNS-1123 label (lowercase letters, digits, -)' })
  name!: string;

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

  @ApiPropertyOptional({ default: false })
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
