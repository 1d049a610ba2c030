import { ArgsType, Field } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { phases, type Phase } from '@cutover/domain';
import { PageQuery } from '../../../common/pagination/page-query.dto';
import { IsDns1123Label } from '../../../common/validation/k8s-name.decorators';

@ArgsType()
export class ListDeploymentsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'checkout' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDns1123Label()
  app?: string;

  @ApiPropertyOptional({ example: 'production' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDns1123Label()
  environment?: string;

  @ApiPropertyOptional({ enum: phases })
  @Field(() => String, { nullable: true, description: `One of ${phases.join(', ')}.` })
  @IsOptional()
  @IsIn(phases)
  phase?: Phase;
}

/** `GET /v1/apps/:app/environments/:env/history` and GraphQL `deploymentHistory(app, environment)`. */
@ArgsType()
export class HistoryArgs extends PageQuery {
  @Field()
  @IsDns1123Label()
  app!: string;

  @Field()
  @IsDns1123Label()
  environment!: string;
}
