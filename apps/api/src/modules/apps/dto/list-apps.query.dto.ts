import { ArgsType, Field } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../../../common/pagination/page-query.dto';

@ArgsType()
export class ListAppsQuery extends PageQuery {
  @ApiPropertyOptional({ type: [String], description: 'Only apps with this label, as key=value; repeat to require several.', example: ['team=payments'] })
  @Field(() => [String], { nullable: true, description: 'Only apps with these labels, each key=value.' })
  @IsOptional()
  // `?label=a=b` arrives as a string, `?label=a=b&label=c=d` as an array.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[^=]+=[^=]*$/, { each: true, message: 'each label filter must be key=value' })
  label?: string[];
}
