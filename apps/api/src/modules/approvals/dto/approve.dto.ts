import { ArgsType, Field, ID } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { MAX_REASON_LENGTH } from '../../deployments/dto/create-deployment.dto';

export class ApproveDeploymentDto {
  @ApiPropertyOptional({ maxLength: MAX_REASON_LENGTH, example: 'checked the canary dashboards' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;
}

@ArgsType()
export class ApproveDeploymentArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;
}
