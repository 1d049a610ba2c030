import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Paginated } from '../../../common/pagination/paginated.model';

@ObjectType('AuditEntry')
export class AuditEntryModel {
  @ApiProperty({ description: 'Position in the hash chain (a decimal string: it outgrows JSON numbers).' })
  @Field({ description: 'Position in the hash chain.' })
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

  @ApiProperty()
  @Field()
  prevHash!: string;

  @ApiProperty()
  @Field()
  hash!: string;
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

@ObjectType('AuditVerification')
export class AuditVerificationModel {
  @ApiProperty()
  @Field()
  ok!: boolean;

  @ApiProperty({ description: 'Entries checked before the first broken one (all of them when ok).' })
  @Field(() => Int)
  count!: number;

  @ApiProperty({ type: AuditBrokenEntryModel, nullable: true })
  @Field(() => AuditBrokenEntryModel, { nullable: true })
  firstBroken!: AuditBrokenEntryModel | null;
}
