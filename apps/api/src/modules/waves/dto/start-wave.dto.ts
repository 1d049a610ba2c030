import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, MaxLength } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';
import { MAX_REASON_LENGTH } from '../../deployments/dto/create-deployment.dto';

// The body is checked field by field by the domain's parseWaveRunRequest (paths like `waves[1].gate.bake`), so
// every property here is only `@Allow()`ed: one set of rules and messages for REST and GraphQL.

@InputType('WaveGateInput')
export class WaveGateDto {
  @ApiPropertyOptional({ example: '30s', description: 'Bake: a duration after every environment of the wave succeeded ("30s", "5m", "1h30m" or seconds).' })
  @Field(() => JSONScalar, { nullable: true })
  @Allow()
  bake?: string | number;

  @ApiPropertyOptional({ description: 'Wait for POST /v1/wave-runs/:id/promote.' })
  @Field(() => Boolean, { nullable: true })
  @Allow()
  manual?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { templates: ['error-rate'], args: { service: 'shop' } }, description: 'Analysis templates to measure (docs/analysis.md).' })
  @Field(() => JSONScalar, { nullable: true })
  @Allow()
  analysis?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'true (one deployer), or {required, from: [roles], excludeCreator}: distinct approvers who promote the gate.', example: { required: 2, from: ['deployer'] } })
  @Field(() => JSONScalar, { nullable: true })
  @Allow()
  approval?: boolean | Record<string, unknown>;
}

@InputType('WaveInput')
export class WaveDto {
  @ApiPropertyOptional({ example: 'canary-region' })
  @Field(() => String, { nullable: true })
  @Allow()
  name?: string;

  @ApiPropertyOptional({ type: [String], example: ['prod-eu'], description: 'Environment names of the app (or use environmentSelector).' })
  @Field(() => [String], { nullable: true })
  @Allow()
  environments?: string[];

  @ApiPropertyOptional({ example: 'tier=prod,region in (eu,us)', description: "A label selector over the app's environments, resolved when the run is created." })
  @Field(() => String, { nullable: true })
  @Allow()
  environmentSelector?: string;

  @ApiPropertyOptional({ example: 'provider=gke', description: "A label selector over the environments' clusters." })
  @Field(() => String, { nullable: true })
  @Allow()
  clusterSelector?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Environments of the wave deployed at once (default: all).' })
  @Field(() => Int, { nullable: true })
  @Allow()
  maxParallel?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Overrides each environment's configured strategy for this wave." })
  @Field(() => JSONScalar, { nullable: true })
  @Allow()
  strategy?: Record<string, unknown>;

  @ApiPropertyOptional({ type: WaveGateDto, description: 'What must hold after the wave before the next one starts.' })
  @Field(() => WaveGateDto, { nullable: true })
  @Allow()
  gate?: WaveGateDto;
}

@InputType('StartWaveInput')
export class StartWaveDto {
  @ApiProperty({ example: '2.0.0', description: 'A recorded release version of the app.' })
  @Field()
  @Allow()
  release!: string;

  @ApiPropertyOptional({ maxLength: MAX_REASON_LENGTH })
  @Field(() => String, { nullable: true })
  @Allow()
  reason?: string;

  @ApiProperty({ type: [WaveDto], description: 'Ordered: a wave starts when the previous one passed its gate.' })
  @Field(() => [WaveDto])
  @Allow()
  waves!: WaveDto[];

  @ApiPropertyOptional({ default: true, description: 'An environment that fails or rolls back stops the run (no further wave).' })
  @Field(() => Boolean, { nullable: true })
  @Allow()
  stopOnFailure?: boolean;

  @ApiPropertyOptional({ default: false, description: 'When the run stops, roll back what already succeeded, newest wave first.' })
  @Field(() => Boolean, { nullable: true })
  @Allow()
  rollbackCompleted?: boolean;

  @ApiPropertyOptional({ default: 0, minimum: 0, description: 'Environments that may fail before the run stops.' })
  @Field(() => Int, { nullable: true })
  @Allow()
  failureBudget?: number;

  @ApiPropertyOptional({ default: false, description: 'End a deployment already active in an environment (Superseded) instead of refusing with 409.' })
  @Field(() => Boolean, { nullable: true })
  @Allow()
  supersede?: boolean;
}

export class WaveRunCommandDto {
  @ApiPropertyOptional({ maxLength: MAX_REASON_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;
}

@ArgsType()
export class WaveRunCommandArgs {
  @Field(() => ID)
  @IsString()
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REASON_LENGTH)
  reason?: string;
}
