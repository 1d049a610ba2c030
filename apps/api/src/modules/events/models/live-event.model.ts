import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import type { FeedEvent } from '@cutover/persistence';
import { JSONScalar } from '../../../common/graphql/json.scalar';

@ObjectType('LiveEventSide')
export class LiveEventSideModel {
  @ApiProperty({ description: 'primary, blue, green, stable or canary' }) @Field() side!: string;
  @ApiProperty() @Field() workload!: string;
  @ApiProperty({ type: String, nullable: true }) @Field(() => String, { nullable: true }) release!: string | null;
  @ApiProperty() @Field(() => Int) desired!: number;
  @ApiProperty() @Field(() => Int) updated!: number;
  @ApiProperty() @Field(() => Int) ready!: number;
  @ApiProperty() @Field(() => Int) available!: number;
}

@ObjectType('LiveEventStep')
export class LiveEventStepModel {
  @ApiProperty() @Field() id!: string;
  @ApiProperty({ description: '0-based' }) @Field(() => Int) index!: number;
  @ApiProperty() @Field(() => Int) total!: number;
  @ApiProperty() @Field() title!: string;
}

/** One timeline event as live clients see it: the SSE `data:` and the GraphQL subscription payload. */
@ObjectType('LiveEvent')
export class LiveEventModel {
  @ApiProperty({ description: 'Commit-ordered position: the SSE id; resume after it.' }) @Field() position!: string;
  @ApiProperty() @Field() deploymentId!: string;
  @ApiProperty() @Field() app!: string;
  @ApiProperty() @Field() environment!: string;
  @ApiProperty() @Field() cluster!: string;
  @ApiProperty({ description: 'The version the deployment rolls out.' }) @Field() release!: string;
  @ApiProperty({ description: 'Started, StepStarted, StepCompleted, Scaled, TrafficShifted, PhaseChanged, CommandApplied, …' }) @Field() type!: string;
  @ApiProperty() @Field() message!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Who caused it: a token name, or "system".' }) @Field(() => String, { nullable: true }) actor!: string | null;
  @ApiProperty({ description: 'ISO time it was recorded.' }) @Field() at!: string;
  @ApiProperty({ description: 'The deployment phase right after the event.' }) @Field() phase!: string;
  @ApiProperty({ type: String, nullable: true }) @Field(() => String, { nullable: true }) pauseReason!: string | null;
  @ApiProperty({ type: LiveEventStepModel, nullable: true }) @Field(() => LiveEventStepModel, { nullable: true }) step!: LiveEventStepModel | null;
  @ApiProperty({ type: [LiveEventSideModel], description: 'Replicas desired/updated/ready/available per side, as last observed.' })
  @Field(() => [LiveEventSideModel])
  sides!: LiveEventSideModel[];
  @ApiProperty({ type: Number, nullable: true, description: '% of traffic on the new release, as last observed.' }) @Field(() => Float, { nullable: true }) weight!: number | null;
  @ApiProperty({ description: 'Event-specific details.' }) @Field(() => JSONScalar) data!: unknown;
}

export function toLiveEvent(e: FeedEvent): LiveEventModel {
  const s = e.snapshot;
  return {
    position: e.position,
    deploymentId: e.deploymentId,
    app: e.app,
    environment: e.environment,
    cluster: e.cluster,
    release: e.release,
    type: e.type,
    message: e.message,
    actor: e.actor,
    at: e.at,
    phase: s?.phase ?? 'Unknown',
    pauseReason: s?.pauseReason ?? null,
    step: s?.step ?? null,
    sides: s?.sides ?? [],
    weight: s?.weight ?? null,
    data: e.data,
  };
}
