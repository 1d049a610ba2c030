import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Paginated } from '../../../common/pagination/paginated.model';

/** A time when deployments are refused: recurring (cron + duration + time zone) or absolute (from → to). */
@ObjectType('FreezeWindow')
export class FreezeWindowModel {
  @ApiProperty({ format: 'uuid' })
  @Field()
  id!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ type: [String], description: 'Empty = every app.' })
  @Field(() => [String])
  apps!: string[];

  @ApiProperty({ type: [String], description: 'Empty = every environment.' })
  @Field(() => [String])
  environments!: string[];

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  cron!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Seconds each recurring occurrence lasts.' })
  @Field(() => Int, { nullable: true })
  durationSeconds!: number | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  timeZone!: string | null;

  @ApiProperty({ type: Date, nullable: true, description: 'Absolute window: start.' })
  @Field(() => Date, { nullable: true })
  from!: Date | null;

  @ApiProperty({ type: Date, nullable: true, description: 'Absolute window: end (exclusive).' })
  @Field(() => Date, { nullable: true })
  to!: Date | null;

  @ApiProperty()
  @Field()
  reason!: string;

  @ApiProperty({ type: [String], description: 'Roles besides admin that may override.' })
  @Field(() => [String])
  overrideRoles!: string[];

  @ApiProperty({ description: 'In force at the instant asked about (now, or `at`).' })
  @Field()
  active!: boolean;

  @ApiProperty({ type: Date, nullable: true, description: 'When the freeze in force began (overlapping occurrences count as one).' })
  @Field(() => Date, { nullable: true })
  activeFrom!: Date | null;

  @ApiProperty({ type: Date, nullable: true, description: 'When the freeze in force ends: deploying is possible again.' })
  @Field(() => Date, { nullable: true })
  activeUntil!: Date | null;

  @ApiProperty({ type: Date, nullable: true, description: 'The next time it starts after the instant asked about (null: never again).' })
  @Field(() => Date, { nullable: true })
  nextStart!: Date | null;

  @ApiProperty()
  @Field()
  createdBy!: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

@ObjectType('FreezeWindowPage')
export class FreezeWindowPage extends Paginated(FreezeWindowModel, 'FreezeWindowPage') {}
