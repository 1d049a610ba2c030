import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Paginated } from '../../../common/pagination/paginated.model';

/** A notification channel. Its URL and secret are never part of it. */
@ObjectType('NotificationChannel')
export class NotificationChannelModel {
  @ApiProperty({ format: 'uuid' })
  @Field()
  id!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ enum: ['webhook', 'slack'] })
  @Field()
  kind!: string;

  @ApiProperty({ example: 'https://hooks.slack.com', description: 'Scheme, host and port of the URL; the URL itself is never returned.' })
  @Field()
  urlOrigin!: string;

  @ApiProperty({ description: 'Whether deliveries are signed (the secret itself is never returned).' })
  @Field()
  hasSecret!: boolean;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  apps!: string[];

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  environments!: string[];

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  events!: string[];

  @ApiProperty({ description: 'false once disabled (by hand, or after too many failed deliveries in a row).' })
  @Field()
  enabled!: boolean;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  disabledAt!: Date | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  disabledReason!: string | null;

  @ApiProperty({ description: 'Deliveries in a row that ran out of attempts.' })
  @Field(() => Int)
  consecutiveFailures!: number;

  @ApiProperty()
  @Field()
  createdBy!: string;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty()
  @Field()
  updatedAt!: Date;
}

@ObjectType('NotificationChannelPage')
export class NotificationChannelPage extends Paginated(NotificationChannelModel, 'NotificationChannelPage') {}

@ObjectType('NotificationDelivery')
export class NotificationDeliveryModel {
  @ApiProperty({ format: 'uuid', description: 'Sent as Cutover-Delivery.' })
  @Field()
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @Field()
  channelId!: string;

  @ApiProperty({ example: 'evt-1042', description: 'The notification id (the body\'s `id`): one delivery per channel and event.' })
  @Field()
  eventId!: string;

  @ApiProperty({ example: 'promoted', description: 'Sent as Cutover-Event.' })
  @Field()
  eventType!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  @Field(() => String, { nullable: true })
  deploymentId!: string | null;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'skipped'] })
  @Field()
  status!: string;

  @ApiProperty()
  @Field(() => Int)
  attempts!: number;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status of the last attempt; null when it got no answer.' })
  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Milliseconds the last attempt took.' })
  @Field(() => Int, { nullable: true })
  latencyMs!: number | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;
}

@ObjectType('NotificationDeliveryPage')
export class NotificationDeliveryPage extends Paginated(NotificationDeliveryModel, 'NotificationDeliveryPage') {}
