import { ArgsType, Field } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsDns1123Label } from '../../../common/validation/k8s-name.decorators';
import { PageQuery } from '../../../common/pagination/page-query.dto';

@ArgsType()
export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Actor name, or the token id.' })
  @Field(() => String, { nullable: true, description: 'Actor name, or the token id.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ example: 'cluster.register' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  action?: string;

  @ApiPropertyOptional({ example: 'shop', description: 'Entries about this app (by name), including ones about it after it was deleted.' })
  @Field(() => String, { nullable: true, description: 'Entries about this app (by name).' })
  @IsOptional()
  @IsDns1123Label()
  app?: string;

  @ApiPropertyOptional({ example: 'production', description: 'Entries about this environment (by name).' })
  @Field(() => String, { nullable: true, description: 'Entries about this environment (by name).' })
  @IsOptional()
  @IsDns1123Label()
  environment?: string;

  @ApiPropertyOptional({ example: 'cluster:prod', description: '`<type>` or `<type>:<id>`.' })
  @Field(() => String, { nullable: true, description: '`<type>` or `<type>:<id>`.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(/^[a-z][\w-]*(:.+)?$/, { message: 'resource must be <type> or <type>:<id>' })
  resource?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Entries at or after this time.' })
  @Field(() => String, { nullable: true, description: 'Entries at or after this ISO 8601 time.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}
