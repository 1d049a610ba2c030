// Measurements of analysis runs (the worker's AnalysisRunner writes them; the api reads them for the detail).
// A measurement and its timeline entry are one statement, and only while the run is wanted: its runAnalysis effect
// still pending and the deployment still Progressing or Paused. Otherwise nothing is written and the runner stops.
import { Inject, Injectable } from '@nestjs/common';
import type { AnalysisRunStatus, Effect, Measurement } from '@cutover/domain';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

const RECORD_SQL = `
WITH ok AS (
  SELECT d."id", d."phase", d."state" FROM "Deployment" d
  JOIN "DeploymentEffect" ef ON ef."deploymentId" = d."id" AND ef."id" = $2::uuid AND ef."status" = 'pending'
  WHERE d."id" = $1::uuid AND d."phase" IN ('Progressing', 'Paused')
), m AS (
  INSERT INTO "AnalysisMeasurement" ("deploymentId", "runId", "stage", "metric", "provider", "phase", "value", "message", "query", "scheduledAt", "measuredAt")
  SELECT ok."id", $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz AT TIME ZONE 'UTC', $12::timestamptz AT TIME ZONE 'UTC' FROM ok
  RETURNING "id"
), ev AS (
  INSERT INTO "DeploymentEvent" ("deploymentId", "type", "message", "data", "actor", "snapshot", "createdAt")
  SELECT ok."id", 'AnalysisMeasured', $13, $14::jsonb, 'system', "cutover_event_snapshot"(ok."phase", ok."state"), $12::timestamptz AT TIME ZONE 'UTC'
  FROM ok WHERE $15::boolean
  RETURNING "position"
)
SELECT (SELECT count(*) FROM m)::int AS "recorded", (SELECT "position"::text FROM ev LIMIT 1) AS "position"`;

export interface MeasurementRow extends Measurement {
  id: string;
  runId: string;
  stage: string;
  provider: string;
}

export interface AnalysisRunRow {
  runId: string;
  stage: string;
  /** Running, Successful, Failed, Inconclusive, Error, or Stopped (ended without a verdict). */
  phase: string;
  message: string | null;
  metrics: unknown[];
  startedAt: Date;
}

export interface RecordedMeasurement {
  /** False: the run is no longer wanted (its effect is done or the deployment moved on): stop measuring. */
  recorded: boolean;
  /** Event feed position of the timeline entry (to nudge live readers), null when none was written. */
  position: string | null;
}

@Injectable()
export class AnalysisMeasurementRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** Records one measurement (and, with `event`, its timeline entry) if the run is still wanted. */
  async record(
    run: { deploymentId: string; effectId: string; runId: string; stage: string },
    provider: string,
    m: Measurement,
    event: { message: string; data: Record<string, unknown> } | null,
  ): Promise<RecordedMeasurement> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ recorded: number; position: string | null }>>(
      RECORD_SQL,
      run.deploymentId,
      run.effectId,
      run.runId,
      run.stage,
      m.metric,
      provider,
      m.phase,
      m.value,
      m.message,
      m.query,
      new Date(m.scheduledAt).toISOString(),
      new Date(m.at).toISOString(),
      event?.message ?? '',
      JSON.stringify(event?.data ?? {}),
      event !== null,
    );
    const row = rows[0];
    return { recorded: Number(row?.recorded ?? 0) > 0, position: row?.position ?? null };
  }

  /** A run's measurements, oldest first (a restarted worker resumes from them). */
  async ofRun(deploymentId: string, runId: string): Promise<Measurement[]> {
    const rows = await this.prisma.analysisMeasurement.findMany({ where: { deploymentId, runId }, orderBy: { id: 'asc' } });
    return rows.map(toMeasurement);
  }

  /** The deployment's latest measurements (at most `limit`), oldest first. */
  async ofDeployment(deploymentId: string, limit = 500): Promise<MeasurementRow[]> {
    const rows = await this.prisma.analysisMeasurement.findMany({ where: { deploymentId }, orderBy: { id: 'desc' }, take: limit });
    return rows.reverse().map((r) => ({ ...toMeasurement(r), id: r.id.toString(), runId: r.runId, stage: r.stage, provider: r.provider }));
  }

  /** Every analysis run of the deployment (its runAnalysis effects), oldest first, with its verdict once over. */
  async runs(deploymentId: string): Promise<AnalysisRunRow[]> {
    const rows = await this.prisma.deploymentEffect.findMany({
      where: { deploymentId, kind: 'runAnalysis' },
      orderBy: [{ tick: 'asc' }, { ordinal: 'asc' }],
      select: { payload: true, status: true, createdAt: true },
    });
    return rows.map((r) => {
      const p = r.payload as unknown as { runId: string; where: string; result?: AnalysisRunStatus };
      return {
        runId: p.runId,
        stage: p.where,
        phase: p.result?.phase ?? (r.status === 'pending' ? 'Running' : 'Stopped'),
        message: p.result?.message ?? null,
        metrics: p.result?.metrics ?? [],
        startedAt: r.createdAt,
      };
    });
  }

  /** The newest measurement's id (0 when none): changes whenever one is recorded (the detail's ETag uses it). */
  async lastId(deploymentId: string): Promise<number> {
    const row = await this.prisma.analysisMeasurement.findFirst({ where: { deploymentId }, orderBy: { id: 'desc' }, select: { id: true } });
    return row ? Number(row.id) : 0;
  }

  /** A run that stopped without a verdict (its deployment moved on): its effect is done. */
  async abandon(effectId: string, now: Date = new Date()): Promise<void> {
    await this.prisma.deploymentEffect.updateMany({ where: { id: effectId, status: 'pending' }, data: { status: 'done', doneAt: now } });
  }

  /** A runAnalysis effect's verdict: stored with the effect (durable across restarts) and marks it done. */
  async recordRunResult(effectId: string, effect: Effect, result: AnalysisRunStatus, now: Date = new Date()): Promise<boolean> {
    const updated = await this.prisma.deploymentEffect.updateMany({
      where: { id: effectId, status: 'pending' },
      data: { payload: { ...effect, result } as unknown as Prisma.InputJsonValue, status: 'done', doneAt: now },
    });
    return updated.count > 0;
  }
}

function toMeasurement(r: {
  metric: string;
  phase: string;
  value: string | null;
  message: string | null;
  query: string | null;
  scheduledAt: Date;
  measuredAt: Date;
}): Measurement {
  return {
    metric: r.metric,
    phase: r.phase as Measurement['phase'],
    value: r.value,
    message: r.message,
    query: r.query,
    scheduledAt: r.scheduledAt.getTime(),
    at: r.measuredAt.getTime(),
  };
}
