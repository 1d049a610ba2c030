import { ArgsType, Field } from '@nestjs/graphql';
import { IsString } from 'class-validator';
import { PageQuery } from './page-query.dto';

/** GraphQL lists under one app (`environments(app:, limit:, cursor:)`): the pipe checks all args as one class. */
@ArgsType()
export class AppPageArgs extends PageQuery {
  @Field({ description: 'The app’s name.' })
  @IsString()
  app!: string;
}
