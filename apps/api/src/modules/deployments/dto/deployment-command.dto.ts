import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { MAX_REASON_LENGTH } from './create-deployment.dto';

/** Body of pause, resume, abort, rollback and retry. */
@InputType('DeploymentCommandInput')
export class DeploymentCommandDto {
  @ApiPropertyOptional({ maxLength: MAX_REASON_LENGTH, example: 'error rate up' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;
}

export class PromoteDeploymentDto extends DeploymentCommandDto {
  @ApiPropertyOptional({ description: 'Skip the remaining steps and finish.' })
  @IsOptional()
  @IsBoolean()
  full?: boolean;
}

/** GraphQL arguments of the command mutations; `ifMatch` plays the If-Match header's part. */
@ArgsType()
export class DeploymentCommandArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;

  @Field(() => String, { nullable: true, description: 'The deployment\'s etag (W/"<version>"): refused when it has moved on.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  ifMatch?: string;
}

@ArgsType()
export class PromoteDeploymentArgs extends DeploymentCommandArgs {
  @Field(() => Boolean, { nullable: true, description: 'Skip the remaining steps and finish.' })
  @IsOptional()
  @IsBoolean()
  full?: boolean;
}
