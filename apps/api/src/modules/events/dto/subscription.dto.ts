import { ArgsType, Field } from '@nestjs/graphql';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { IsDns1123Label } from '../../../common/validation/k8s-name.decorators';

const POSITION = { message: '$property must be an event position (a non-negative integer)' };

@ArgsType()
export class DeploymentUpdatedArgs {
  @Field({ description: 'The deployment id.' })
  @IsUUID()
  id!: string;

  @Field(() => String, { nullable: true, description: 'Replay events after this position first (0 = the whole timeline); absent = only new ones.' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, POSITION)
  after?: string;
}

@ArgsType()
export class DeploymentEventsArgs {
  @Field()
  @IsDns1123Label()
  app!: string;

  @Field()
  @IsDns1123Label()
  environment!: string;

  @Field(() => String, { nullable: true, description: 'Resume after this position (the `position` of the last event you got); absent = only new ones.' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, POSITION)
  after?: string;
}
