import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Paginated } from '../../../common/pagination/paginated.model';

@ObjectType('AuditEntry')
export class AuditEntryModel {
  @ApiProperty({ description: 'The entry id, in insert order; lists page by it (a decimal string: it outgrows JSON numbers).' })
  @Field({ description: 'The entry id, in insert order; lists page by it.' })
  seq!: string;

  @ApiProperty()
  @Field()
  at!: Date;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  actorTokenId!: string | null;

  @ApiProperty()
  @Field()
  actorName!: string;

  @ApiProperty({ example: 'cluster.register' })
  @Field()
  action!: string;

  @ApiProperty()
  @Field()
  resourceType!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  resourceId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The resource's app, by name (kept after it is deleted)." })
  @Field(() => String, { nullable: true, description: "The resource's app, by name (kept after it is deleted)." })
  app!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The resource's environment, by name." })
  @Field(() => String, { nullable: true, description: "The resource's environment, by name." })
  environment!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The release version (releases, deployments).' })
  @Field(() => String, { nullable: true, description: 'The release version (releases, deployments).' })
  version!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The resource's cluster, by name." })
  @Field(() => String, { nullable: true, description: "The resource's cluster, by name." })
  cluster!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @ApiProperty({ enum: ['rest', 'graphql', 'chat', 'system'] })
  @Field()
  interface!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  clientAddress!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'sha256 of the input with secrets removed.' })
  @Field(() => String, { nullable: true })
  inputDigest!: string | null;

  @ApiProperty({ enum: ['success', 'denied', 'failed'] })
  @Field()
  outcome!: string;

  @ApiProperty({ type: Number, nullable: true })
  @Field(() => Int, { nullable: true })
  statusCode!: number | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  reason!: string | null;

  @ApiProperty({ description: 'Chained by the sealer: covered by the hash chain and checked by verify. Entries are sealed within about a second of their commit.' })
  @Field({ description: 'Chained by the sealer: covered by the hash chain and checked by verify.' })
  sealed!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the sealer chained it; null while unsealed.' })
  @Field(() => Date, { nullable: true, description: 'When the sealer chained it; null while unsealed.' })
  sealedAt!: Date | null;

  @ApiProperty({ type: String, nullable: true, description: "The previous sealed entry's hash; null while unsealed." })
  @Field(() => String, { nullable: true, description: "The previous sealed entry's hash; null while unsealed." })
  prevHash!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'sha256 over every field and prevHash; null while unsealed.' })
  @Field(() => String, { nullable: true, description: 'sha256 over every field and prevHash; null while unsealed.' })
  hash!: string | null;
}

@ObjectType('AuditPage')
export class AuditPage extends Paginated(AuditEntryModel, 'AuditPage') {}

@ObjectType('AuditBrokenEntry')
export class AuditBrokenEntryModel {
  @ApiProperty()
  @Field()
  seq!: string;

  @ApiProperty()
  @Field()
  reason!: string;
}

@ObjectType('AuditUnsealedTail')
export class AuditUnsealedTailModel {
  @ApiProperty({ description: 'Entries committed but not sealed yet (not covered by this verification).' })
  @Field(() => Int, { description: 'Entries committed but not sealed yet (not covered by this verification).' })
  count!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the oldest of them was written.' })
  @Field(() => Date, { nullable: true, description: 'When the oldest of them was written.' })
  oldestAt!: Date | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Its age in milliseconds when verify started.' })
  @Field(() => Int, { nullable: true, description: 'Its age in milliseconds when verify started.' })
  oldestAgeMs!: number | null;
}

@ObjectType('AuditVerification')
export class AuditVerificationModel {
  @ApiProperty()
  @Field()
  ok!: boolean;

  @ApiProperty({ description: 'Sealed entries checked before the first broken one (all sealed ones when ok).' })
  @Field(() => Int)
  count!: number;

  @ApiProperty({ type: AuditBrokenEntryModel, nullable: true })
  @Field(() => AuditBrokenEntryModel, { nullable: true })
  firstBroken!: AuditBrokenEntryModel | null;

  @ApiProperty({ type: AuditUnsealedTailModel, description: 'The entries after the sealed chain, not covered yet.' })
  @Field(() => AuditUnsealedTailModel, { description: 'The entries after the sealed chain, not covered yet.' })
  unsealed!: AuditUnsealedTailModel;
}
