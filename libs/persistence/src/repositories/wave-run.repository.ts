// Wave runs (docs/waves.md): the run's machine state under a version guard, like a deployment's. The api writes
// creations and commands under the run's row lock; the worker commits ticks WHERE version = v.
import { Inject, Injectable } from '@nestjs/common';
import { isWaveRunTerminal, type Phase, STREAMED_WAVE_RUN_EVENTS, type WaveRunEvent, waveRunAnchor, type WaveRunPhase, type WaveRunState } from '@cutover/domain';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';
import { insertDeploymentEvents } from './deployment-event.repository';

export interface WaveRunRecord {
  id: string;
  applicationId: string;
  app: string;
  releaseId: string;
  release: string;
  phase: WaveRunPhase;
  pauseReason: string | null;
  state: WaveRunState;
  version: number;
  reason: string | null;
  createdBy: string;
  createdByTokenId: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export interface NewWaveRun {
  id?: string;
  applicationId: string;
  releaseId: string;
  state: WaveRunState;
  reason: string | null;
  createdBy: string;
  createdByTokenId: string | null;
}

/** A deployment of a run, as the run's tick observes it (from Postgres). */
export interface WaveRunDeploymentView {
  id: string;
  environment: string;
  phase: Phase;
  failureReason: string | null;
}

export interface WaveRunPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const include = { application: { select: { name: true } }, release: { select: { version: true } } } as const;
type Row = Prisma.WaveRunGetPayload<{ include: typeof include }>;

function toRecord(row: Row): WaveRunRecord {
  return {
    id: row.id,
    applicationId: row.applicationId,
    app: row.application.name,
    releaseId: row.releaseId,
    release: row.release.version,
    phase: row.phase as WaveRunPhase,
    pauseReason: row.pauseReason,
    state: row.state as unknown as WaveRunState,
    version: row.version,
    reason: row.reason,
    createdBy: row.createdBy,
    createdByTokenId: row.createdByTokenId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
  };
}

function columnsOf(state: WaveRunState, finishedAt: Date | null) {
  return {
    state: state as unknown as Prisma.InputJsonValue,
    phase: state.phase,
    pauseReason: state.pauseReason,
    finishedAt: isWaveRunTerminal(state.phase) ? (finishedAt ?? new Date()) : null,
  };
}

@Injectable()
export class WaveRunRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  async create(tx: Tx, run: NewWaveRun): Promise<WaveRunRecord> {
    const row = await tx.waveRun.create({
      data: {
        ...(run.id ? { id: run.id } : {}),
        applicationId: run.applicationId,
        releaseId: run.releaseId,
        ...columnsOf(run.state, null),
        reason: run.reason,
        createdBy: run.createdBy,
        createdByTokenId: run.createdByTokenId,
      },
      include,
    });
    return toRecord(row);
  }

  async findById(id: string, tx?: Tx): Promise<WaveRunRecord | null> {
    if (!UUID.test(id)) return null;
    const row = await (tx ?? this.prisma).waveRun.findUnique({ where: { id }, include });
    return row ? toRecord(row) : null;
  }

  /** Row-locks the run until the transaction ends: commands and ticks on one run are decided one at a time. */
  async lockForUpdate(tx: Tx, id: string): Promise<WaveRunRecord | null> {
    if (!UUID.test(id)) return null;
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "WaveRun" WHERE "id" = ${id}::uuid FOR UPDATE`;
    if (rows.length === 0) return null;
    return this.findById(id, tx);
  }

  /**
   * The worker's guard: locks the run only if it is still at `version` (a stale or duplicate tick gets false and
   * writes nothing). Call first in the tick's transaction, then `saveState`.
   */
  async lockAtVersion(tx: Tx, id: string, version: number): Promise<boolean> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "WaveRun" WHERE "id" = ${id}::uuid AND "version" = ${version} FOR UPDATE`;
    return rows.length === 1;
  }

  /** Stores a state decided under the row lock (a command, a tick); the version moves on. */
  async saveState(tx: Tx, id: string, state: WaveRunState): Promise<WaveRunRecord> {
    const current = await tx.waveRun.findUniqueOrThrow({ where: { id }, select: { finishedAt: true } });
    const row = await tx.waveRun.update({ where: { id }, data: { ...columnsOf(state, current.finishedAt), version: { increment: 1 } }, include });
    return toRecord(row);
  }

  /** Newest first; `take` one more than the page to learn whether another follows. */
  async listByApp(applicationId: string, take: number, after?: WaveRunPosition): Promise<WaveRunRecord[]> {
    const rows = await this.prisma.waveRun.findMany({
      where: {
        applicationId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      include,
    });
    return rows.map(toRecord);
  }

  /** The run's deployments with their phases now (what the run's tick observes). */
  async deploymentsOf(waveRunId: string, tx?: Tx): Promise<WaveRunDeploymentView[]> {
    const rows = await (tx ?? this.prisma).deployment.findMany({
      where: { waveRunId },
      select: { id: true, phase: true, failureReason: true, environment: { select: { name: true } } },
    });
    return rows.map((r) => ({ id: r.id, environment: r.environment.name, phase: r.phase as Phase, failureReason: r.failureReason }));
  }

  /**
   * Writes the run's notable events (waves starting, gates, pauses, its end) on its anchor deployment's timeline in
   * the caller's transaction, so the live event feed and notifications carry them (with `data.waveRunId`); a run
   * has no timeline of its own in the feed. Answers the deployments written to (to nudge live readers).
   */
  async appendStreamedEvents(tx: Tx, waveRunId: string, state: WaveRunState, events: readonly WaveRunEvent[]): Promise<string[]> {
    const anchors = new Set<string>();
    for (const e of events) {
      if (!STREAMED_WAVE_RUN_EVENTS.has(e.type)) continue;
      const anchor = waveRunAnchor(state, typeof e.data?.wave === 'number' ? e.data.wave : null);
      if (anchor === null) continue;
      await insertDeploymentEvents(tx, anchor, [{ type: e.type, message: e.message, data: { ...e.data, waveRunId } as Prisma.InputJsonValue, actor: e.actor }]);
      anchors.add(anchor);
    }
    return [...anchors];
  }

  /** Runs that have not ended (the reconciler's safety net). */
  /**
   * Unfinished runs; with `clusterIds`, only runs of apps with an environment on one of those clusters (a worker that
   * serves a subset of clusters, or a test stack sharing the database, leaves other runs to their own workers).
   */
  async listActiveIds(clusterIds?: readonly string[]): Promise<string[]> {
    const rows = await this.prisma.waveRun.findMany({
      where: { finishedAt: null, ...(clusterIds ? { application: { environments: { some: { clusterId: { in: [...clusterIds] } } } } } : {}) },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }
}
