import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { IsDns1123Label, IsJsonObject } from '../../../common/validation/k8s-name.decorators';

@InputType('CreateAppInput')
export class CreateAppDto {
  @ApiProperty({ example: 'checkout', description: 'A DNS-1123 label: it names Kubernetes objects.' })
  @Field()
  @IsDns1123Label()
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { team: 'payments' } })
  @Field(() => JSONScalar, { nullable: true, description: 'Kubernetes-style labels: {"team": "payments"}.' })
  @IsOptional()
  @IsJsonObject()
  labels?: Record<string, unknown>;
}
