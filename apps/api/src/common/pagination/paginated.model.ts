import type { Type } from '@nestjs/common';
import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

export interface PaginatedType<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A page type for both GraphQL and OpenAPI: `@ObjectType() class TokenPage extends Paginated(TokenModel, 'TokenPage') {}`.
 * The name must be unique across the schema.
 */
export function Paginated<T>(item: Type<T>, name: string): Type<PaginatedType<T>> {
  @ObjectType(name, { isAbstract: true })
  abstract class PageClass implements PaginatedType<T> {
    @ApiProperty({ type: item, isArray: true })
    @Field(() => [item])
    items!: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page.' })
    @Field(() => String, { nullable: true })
    nextCursor!: string | null;
  }
  return PageClass as unknown as Type<PaginatedType<T>>;
}
