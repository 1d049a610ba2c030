import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JSONScalar } from '../../../common/graphql/json.scalar';

@ObjectType('ResourceAmount')
export class ResourceAmountModel {
  @ApiProperty({ description: 'Millicores.' })
  @Field(() => Float)
  cpuMillis!: number;

  @ApiProperty()
  @Field(() => Float)
  memoryBytes!: number;
}

@ObjectType('FreeCapacity')
export class FreeCapacityModel extends ResourceAmountModel {
  @ApiProperty({ description: 'Pod slots.' })
  @Field(() => Int)
  pods!: number;
}

@ObjectType('PlanResources')
export class PlanResourcesModel {
  @ApiProperty({ type: ResourceAmountModel, nullable: true, description: 'Requests of one pod of the release; null when it requests nothing.' })
  @Field(() => ResourceAmountModel, { nullable: true })
  perPod!: ResourceAmountModel | null;

  @ApiProperty({ type: ResourceAmountModel, description: 'The most the rollout requests above what runs now, at its peak.' })
  @Field(() => ResourceAmountModel)
  extra!: ResourceAmountModel;

  @ApiProperty({ type: FreeCapacityModel, nullable: true, description: "The cluster's free allocatable (nodes' allocatable minus pods' requests); null when not read." })
  @Field(() => FreeCapacityModel, { nullable: true })
  free!: FreeCapacityModel | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the free capacity could not be read.' })
  @Field(() => String, { nullable: true })
  capacityError!: string | null;
}

@ObjectType('PlanRollback')
export class PlanRollbackModel {
  @ApiProperty({ description: 'Pods of the previous release to start again to roll back from this step.' })
  @Field(() => Int)
  podsToStart!: number;

  @ApiProperty({ description: 'Worst case in seconds (the progress deadline when pods must start; 0 when only traffic moves back).' })
  @Field(() => Int)
  worstCaseSeconds!: number;
}

@ObjectType('PlannedStep')
export class PlannedStepModel {
  @ApiProperty()
  @Field(() => Int)
  index!: number;

  @ApiProperty()
  @Field()
  id!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { stable: 4, canary: 1 }, description: 'Replicas per side after the step.' })
  @Field(() => JSONScalar)
  replicas!: Record<string, number>;

  @ApiProperty({ description: '% of traffic on the new release after the step.' })
  @Field(() => Float)
  newTrafficPercent!: number;

  @ApiProperty({ description: 'Most pods during the step, surge included.' })
  @Field(() => Int)
  peakPods!: number;

  @ApiProperty()
  @Field(() => Int)
  extraPods!: number;

  @ApiProperty({ type: ResourceAmountModel })
  @Field(() => ResourceAmountModel)
  extra!: ResourceAmountModel;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the step waits for: {type: ready | podsGone | duration | promote | checks, ...}.' })
  @Field(() => JSONScalar)
  wait!: Record<string, unknown>;

  @ApiProperty({ type: PlanRollbackModel })
  @Field(() => PlanRollbackModel)
  rollback!: PlanRollbackModel;
}

@ObjectType('PlanGate')
export class PlanGateModel {
  @ApiProperty({ description: 'Index of its step; -1 before the rollout starts.' })
  @Field(() => Int)
  step!: number;

  @ApiProperty()
  @Field()
  stepId!: string;

  @ApiProperty({ enum: ['approval', 'analysis', 'checks', 'pause', 'promotion'] })
  @Field()
  kind!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ type: Number, nullable: true, description: 'Least seconds it holds the rollout; null until a person acts.' })
  @Field(() => Int, { nullable: true })
  seconds!: number | null;
}

@ObjectType('PlanWarning')
export class PlanWarningModel {
  @ApiProperty({ enum: ['canary-weight-inexact', 'weight-goes-backwards', 'does-not-fit', 'capacity-unknown', 'frozen', 'active-deployment'] })
  @Field()
  code!: string;

  @ApiProperty()
  @Field()
  message!: string;

  @ApiProperty({ type: Number, nullable: true })
  @Field(() => Int, { nullable: true })
  step!: number | null;
}

/** What a deployment will do (dry-run) or does (its detail): one function computes both. */
@ObjectType('DeploymentPlanReport')
export class DeploymentPlanReportModel {
  @ApiProperty({ enum: ['Recreate', 'RollingUpdate', 'BlueGreen', 'Canary'] })
  @Field()
  strategy!: string;

  @ApiProperty()
  @Field(() => Int)
  replicas!: number;

  @ApiProperty({ description: 'First deployment: the release goes straight to serving.' })
  @Field()
  direct!: boolean;

  @ApiProperty({ type: [PlannedStepModel] })
  @Field(() => [PlannedStepModel])
  steps!: PlannedStepModel[];

  @ApiProperty()
  @Field(() => Int)
  peakPods!: number;

  @ApiProperty()
  @Field(() => Int)
  extraPods!: number;

  @ApiProperty({ type: PlanResourcesModel })
  @Field(() => PlanResourcesModel)
  resources!: PlanResourcesModel;

  @ApiProperty({ enum: ['fits', 'does-not-fit', 'unknown'] })
  @Field()
  verdict!: string;

  @ApiProperty({ type: [PlanGateModel] })
  @Field(() => [PlanGateModel])
  gates!: PlanGateModel[];

  @ApiProperty()
  @Field(() => Int)
  minimumDurationSeconds!: number;

  @ApiProperty({ type: [PlanWarningModel] })
  @Field(() => [PlanWarningModel])
  warnings!: PlanWarningModel[];
}

/** The answer of `POST /v1/deployments` with `dryRun: true`: nothing was written. */
@ObjectType('DryRunAnswer')
export class DryRunAnswerModel {
  @ApiProperty({ enum: [true] })
  @Field()
  dryRun!: boolean;

  @ApiProperty()
  @Field()
  app!: string;

  @ApiProperty()
  @Field()
  environment!: string;

  @ApiProperty()
  @Field()
  release!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  previousRelease!: string | null;

  @ApiProperty({ type: DeploymentPlanReportModel })
  @Field(() => DeploymentPlanReportModel)
  plan!: DeploymentPlanReportModel;
}
