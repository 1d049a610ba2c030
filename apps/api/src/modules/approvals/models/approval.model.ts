import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';

@ObjectType('DeploymentApproval')
export class ApprovalModel {
  @ApiProperty({ format: 'uuid' })
  @Field()
  id!: string;

  @ApiProperty({ description: 'Token name, or slack:<teamId>/<userId>.' })
  @Field()
  approver!: string;

  @ApiProperty({ enum: ['viewer', 'deployer', 'admin'] })
  @Field()
  approverRole!: string;

  @ApiProperty({ description: 'The gate: a plan step id, or "start".' })
  @Field()
  step!: string;

  @ApiProperty()
  @Field()
  releaseDigest!: string;

  @ApiProperty({ enum: ['rest', 'graphql', 'chat'] })
  @Field()
  interface!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  reason!: string | null;

  @ApiProperty({ description: 'Counts toward its gate now (false: expired, another release, the deployer, not allowed...).' })
  @Field()
  counts!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why it does not count.' })
  @Field(() => String, { nullable: true })
  ignoredBecause!: string | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

@ObjectType('ApprovalGateStatus')
export class ApprovalGateStatusModel {
  @ApiProperty()
  @Field()
  step!: string;

  @ApiProperty()
  @Field(() => Int)
  required!: number;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  counted!: string[];

  @ApiProperty()
  @Field()
  satisfied!: boolean;

  @ApiProperty({ description: 'Who is still needed, e.g. "1 more approval from deployer or admin (not alice)".' })
  @Field()
  needed!: string;
}

@ObjectType('DeploymentApprovals')
export class DeploymentApprovalsModel {
  @ApiProperty({ format: 'uuid' })
  @Field()
  deploymentId!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The policy the deployment was created under; null: no approvals needed.' })
  @Field(() => JSONScalar, { nullable: true })
  policy!: Record<string, unknown> | null;

  @ApiProperty({ type: [String], description: 'Its gates in order.' })
  @Field(() => [String])
  gates!: string[];

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  passed!: string[];

  @ApiProperty({ type: ApprovalGateStatusModel, nullable: true, description: 'The gate an approval given now counts for (the current one, else the next); null when none is ahead.' })
  @Field(() => ApprovalGateStatusModel, { nullable: true })
  current!: ApprovalGateStatusModel | null;

  @ApiProperty({ type: [ApprovalModel] })
  @Field(() => [ApprovalModel])
  approvals!: ApprovalModel[];
}
