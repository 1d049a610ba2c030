import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { DeploymentAnalysisModel } from '../../analysis-templates/models/deployment-analysis.model';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { DeploymentPlanReportModel } from '../../plans/models/deployment-plan.model';
import { DeploymentCommandModel, DeploymentModel } from './deployment.model';

@ObjectType('DeploymentPlanStep')
export class PlanStepModel {
  @ApiProperty()
  @Field(() => Int)
  index!: number;

  @ApiProperty({ example: 'Set weight 20%' })
  @Field()
  title!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { stable: 4, canary: 1 }, description: 'Desired replicas per side after the step.' })
  @Field(() => JSONScalar)
  replicas!: Record<string, number>;

  @ApiProperty({ description: '% of traffic on the new release after the step.' })
  @Field(() => Float)
  newTrafficPercent!: number;

  @ApiProperty()
  @Field(() => Int)
  peakPods!: number;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { type: 'promote', autoAfterSeconds: null }, description: 'What ends the step.' })
  @Field(() => JSONScalar)
  wait!: unknown;
}

@ObjectType('DeploymentPlan')
export class DeploymentPlanModel {
  @ApiProperty({ example: 'Canary' })
  @Field()
  strategy!: string;

  @ApiProperty()
  @Field(() => Int)
  replicas!: number;

  @ApiProperty({ type: PlanStepModel, isArray: true })
  @Field(() => [PlanStepModel])
  steps!: PlanStepModel[];

  @ApiProperty()
  @Field(() => Int)
  peakPods!: number;

  @ApiProperty({ description: 'Pods above the replica count at the peak.' })
  @Field(() => Int)
  extraPods!: number;

  @ApiProperty()
  @Field(() => Int)
  minimumDurationSeconds!: number;
}

/** One side of the rollout (previous/new, stable/canary, blue/green): desired from the machine, the rest as last observed. */
@ObjectType('DeploymentSide')
export class DeploymentSideModel {
  @ApiProperty({ example: 'canary' })
  @Field()
  side!: string;

  @ApiProperty({ type: String, nullable: true, example: 'checkout-canary', description: 'The Kubernetes Deployment.' })
  @Field(() => String, { nullable: true })
  workload!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  release!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  @Field(() => Int, { nullable: true })
  desired!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'null until the worker has observed the workload.' })
  @Field(() => Int, { nullable: true })
  updated!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  @Field(() => Int, { nullable: true })
  ready!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  @Field(() => Int, { nullable: true })
  available!: number | null;
}

@ObjectType('DeploymentServiceSelector')
export class ServiceSelectorModel {
  @ApiProperty({ example: 'checkout' })
  @Field()
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  @Field(() => JSONScalar)
  selector!: Record<string, string>;

  @ApiProperty({ enum: ['observed', 'baseline'], description: 'observed: as the worker last saw it; baseline: as it was before the deployment began.' })
  @Field()
  source!: string;
}

@ObjectType('DeploymentPod')
export class PodSummaryModel {
  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  workload!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  release!: string | null;

  @ApiProperty({ example: 'Pending' })
  @Field()
  phase!: string;

  @ApiProperty()
  @Field()
  ready!: boolean;

  @ApiProperty({ example: '2/3 init containers done, `migrate` running' })
  @Field()
  progress!: string;
}

@ObjectType('DeploymentPods')
export class PodsModel {
  @ApiProperty()
  @Field(() => Int)
  total!: number;

  @ApiProperty()
  @Field(() => Int)
  ready!: number;

  @ApiProperty({ type: PodSummaryModel, isArray: true })
  @Field(() => [PodSummaryModel])
  items!: PodSummaryModel[];
}

@ObjectType('DeploymentFailure')
export class FailureModel {
  @ApiProperty({ example: 'InitContainerFailed' })
  @Field()
  code!: string;

  @ApiProperty({ example: 'init container `migrate` failed, exit 1, Init:CrashLoopBackOff' })
  @Field()
  reason!: string;

  @ApiProperty()
  @Field()
  at!: Date;
}

@ObjectType('DeploymentClusterError')
export class ClusterErrorModel {
  @ApiProperty({ enum: ['unreachable', 'tls', 'unauthorized', 'forbidden', 'apiMissing'], example: 'unreachable' })
  @Field()
  kind!: string;

  @ApiProperty({ example: 'unreachable: connection refused (https://10.0.0.1:6443)' })
  @Field()
  reason!: string;

  @ApiProperty({ description: 'Since when the cluster cannot be reached.' })
  @Field()
  since!: Date;
}

@ObjectType('DeploymentEvent')
export class DeploymentEventModel {
  @ApiProperty({ example: '42', description: 'Grows only (resume a live stream from it).' })
  @Field()
  seq!: string;

  @ApiProperty({ example: 'Created' })
  @Field()
  type!: string;

  @ApiProperty()
  @Field()
  message!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @Field(() => JSONScalar)
  data!: unknown;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  actor!: string | null;

  @ApiProperty()
  @Field()
  createdAt!: Date;
}

/** `GET /v1/deployments/:id`: everything about one deployment. */
@ObjectType('DeploymentDetail')
export class DeploymentDetailModel extends DeploymentModel {
  @ApiProperty({ type: Number, nullable: true, description: 'Index into plan.steps; null before the rollout starts or when it goes straight to serving.' })
  @Field(() => Int, { nullable: true })
  currentStep!: number | null;

  @ApiProperty({ type: DeploymentPlanModel })
  @Field(() => DeploymentPlanModel)
  plan!: DeploymentPlanModel;

  @ApiProperty({
    type: DeploymentPlanReportModel,
    nullable: true,
    description: "The dry-run's plan of this deployment (the same function, from its own facts; the cluster's free capacity is not read here).",
  })
  @Field(() => DeploymentPlanReportModel, { nullable: true })
  planReport!: DeploymentPlanReportModel | null;

  @ApiProperty({ type: DeploymentSideModel, isArray: true })
  @Field(() => [DeploymentSideModel])
  sides!: DeploymentSideModel[];

  @ApiProperty({ type: Number, nullable: true, description: '% of traffic on the new release now.' })
  @Field(() => Float, { nullable: true })
  trafficWeight!: number | null;

  @ApiProperty({ type: ServiceSelectorModel, isArray: true })
  @Field(() => [ServiceSelectorModel])
  services!: ServiceSelectorModel[];

  @ApiProperty({ type: PodsModel })
  @Field(() => PodsModel)
  pods!: PodsModel;

  @ApiProperty({ type: FailureModel, nullable: true })
  @Field(() => FailureModel, { nullable: true })
  failure!: FailureModel | null;

  @ApiProperty({
    type: ClusterErrorModel,
    nullable: true,
    description: 'Set while the cluster cannot be reached; after CLUSTER_UNREACHABLE_TIMEOUT_MS the deployment fails (it changed nothing) or pauses (ClusterUnreachable).',
  })
  @Field(() => ClusterErrorModel, { nullable: true })
  clusterError!: ClusterErrorModel | null;

  @ApiProperty({ type: DeploymentAnalysisModel, description: 'Analysis runs and their measurements: what was measured, the value, the verdict (docs/analysis.md).' })
  @Field(() => DeploymentAnalysisModel)
  analysis!: DeploymentAnalysisModel;

  @ApiProperty({ type: DeploymentEventModel, isArray: true, description: 'The timeline, oldest first.' })
  @Field(() => [DeploymentEventModel])
  events!: DeploymentEventModel[];

  @ApiProperty({ type: DeploymentCommandModel, isArray: true })
  @Field(() => [DeploymentCommandModel])
  commands!: DeploymentCommandModel[];
}
