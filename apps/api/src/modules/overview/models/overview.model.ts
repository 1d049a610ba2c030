import { ApiProperty } from '@nestjs/swagger';

export const ATTENTION = ['awaiting-promotion', 'inconclusive-analysis', 'paused', 'cluster-unreachable', 'failed'] as const;
export type Attention = (typeof ATTENTION)[number];

/** One app × environment on the overview. */
export class OverviewItemModel {
  @ApiProperty({ example: 'shop' })
  app!: string;

  @ApiProperty({ example: 'production' })
  environment!: string;

  @ApiProperty({ example: 'eu-1' })
  cluster!: string;

  @ApiProperty({ example: 'shop' })
  namespace!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Canary', description: "The environment's default strategy." })
  strategy!: string | null;

  @ApiProperty()
  protected!: boolean;

  @ApiProperty({ type: String, nullable: true, example: '1.4.2', description: 'Release of the latest deployment that succeeded here.' })
  serving!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The latest deployment here.' })
  deploymentId!: string | null;

  @ApiProperty({ type: String, nullable: true, enum: ['deploy', 'rollback'] })
  kind!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '1.5.0', description: 'Release of the latest deployment.' })
  release!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Paused', description: 'Phase of the latest deployment (null: never deployed).' })
  phase!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'PauseStep' })
  pauseReason!: string | null;

  @ApiProperty({ type: String, nullable: true })
  failureReason!: string | null;

  @ApiProperty({ type: String, nullable: true, enum: ATTENTION, description: 'What needs a person here, if anything.' })
  attention!: Attention | null;

  @ApiProperty({ type: String, nullable: true })
  updatedAt!: string | null;
}

export class OverviewModel {
  @ApiProperty({ type: OverviewItemModel, isArray: true, description: 'Ordered by app, then environment.' })
  items!: OverviewItemModel[];

  @ApiProperty({ description: 'More environments matched than the limit returned; narrow with ?app= or ?q=.' })
  truncated!: boolean;
}
