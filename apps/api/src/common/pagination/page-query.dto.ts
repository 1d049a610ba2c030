import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArgsType, Field, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_LIMIT, MAX_LIMIT } from './pagination.rules';

/**
 * `?limit=&cursor=` for REST lists and `(limit:, cursor:)` for GraphQL lists. Extend it to add filters
 * (`class AuditQuery extends PageQuery { ... }`); out-of-range limits are a 422 naming `limit`.
 */
@ArgsType()
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @Field(() => Int, { nullable: true, description: `Page size, 1..${MAX_LIMIT} (default ${DEFAULT_LIMIT}).` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @Field(() => String, { nullable: true, description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export function limitOf(query: PageQuery): number {
  return query.limit ?? DEFAULT_LIMIT;
}
