import { Injectable } from '@nestjs/common';
import { isTerminal, type Decision, type DeploymentState, type Phase } from '@cutover/domain';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../transaction/transaction-runner.service';
import { insertDeploymentEvents } from './deployment-event.repository';

export interface DeploymentRecord {
  id: string;
  environmentId: string;
  environment: string;
  applicationId: string;
  app: string;
  releaseId: string;
  release: string;
  previousReleaseId: string | null;
  previousRelease: string | null;
  kind: 'deploy' | 'rollback';
  rollbackOfId: string | null;
  strategy: Prisma.JsonValue;
  phase: Phase;
  pauseReason: string | null;
  state: DeploymentState;
  version: number;
  active: boolean;
  reason: string | null;
  failureReason: string | null;
  createdBy: string;
  createdByTokenId: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** Break-glass through freeze windows (null when none was in force). */
  freezeOverride: FreezeOverrideRecord | null;
  /** The wave run that started it; null for a single deployment. */
  waveRunId: string | null;
}

export interface FreezeOverrideRecord {
  reason: string;
  by: string;
  role: string;
  windows: Array<{ id: string; name: string; until: string }>;
}

export interface DeploymentEventRecord {
  seq: string;
  type: string;
  message: string;
  data: Prisma.JsonValue;
  actor: string | null;
  createdAt: Date;
}

export interface DeploymentCommandRecord {
  id: string;
  deploymentId: string;
  type: string;
  payload: Prisma.JsonValue;
  actor: string;
  actorTokenId: string | null;
  reason: string | null;
  status: string;
  result: string | null;
  createdAt: Date;
  consumedAt: Date | null;
}

export interface DeploymentDetailRecord extends DeploymentRecord {
  events: DeploymentEventRecord[];
  commands: DeploymentCommandRecord[];
}

export interface NewDeployment {
  /** Chosen by the caller when it must name the deployment before inserting it (e.g. in a superseded one's timeline). */
  id?: string;
  environmentId: string;
  releaseId: string;
  previousReleaseId: string | null;
  kind: 'deploy' | 'rollback';
  rollbackOfId: string | null;
  strategy: Prisma.InputJsonValue;
  state: DeploymentState;
  reason: string | null;
  createdBy: string;
  createdByTokenId: string | null;
  freezeOverride?: FreezeOverrideRecord | null;
  waveRunId?: string | null;
}

export interface NewDeploymentEvent {
  type: string;
  message: string;
  data?: Prisma.InputJsonValue;
  actor: string | null;
}

export interface NewDeploymentCommand {
  deploymentId: string;
  type: string;
  payload: Prisma.InputJsonValue;
  actor: string;
  actorTokenId: string | null;
  reason: string | null;
}

export interface DeploymentFilter {
  environmentId?: string;
  app?: string;
  environment?: string;
  phase?: Phase;
}

/** Keyset position of a newest-first list. */
export interface DeploymentPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Most timeline entries a detail answer carries (the newest ones); the live stream has them all. */
export const DETAIL_EVENT_LIMIT = 1_000;

const include = {
  environment: { select: { name: true, applicationId: true, application: { select: { name: true } } } },
  release: { select: { version: true } },
  previousRelease: { select: { version: true } },
} as const;
type Row = Prisma.DeploymentGetPayload<{ include: typeof include }>;

function toRecord(row: Row): DeploymentRecord {
  return {
    id: row.id,
    environmentId: row.environmentId,
    environment: row.environment.name,
    applicationId: row.environment.applicationId,
    app: row.environment.application.name,
    releaseId: row.releaseId,
    release: row.release.version,
    previousReleaseId: row.previousReleaseId,
    previousRelease: row.previousRelease?.version ?? null,
    kind: row.kind === 'rollback' ? 'rollback' : 'deploy',
    rollbackOfId: row.rollbackOfId,
    strategy: row.strategy,
    phase: row.phase as Phase,
    pauseReason: row.pauseReason,
    state: row.state as unknown as DeploymentState,
    version: row.version,
    active: row.activeKey !== null,
    reason: row.reason,
    failureReason: row.failureReason,
    createdBy: row.createdBy,
    createdByTokenId: row.createdByTokenId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
    freezeOverride: (row.freezeOverride ?? null) as FreezeOverrideRecord | null,
    waveRunId: row.waveRunId,
  };
}

function filterWhere(filter: DeploymentFilter, after?: DeploymentPosition): Prisma.DeploymentWhereInput {
  const where: Prisma.DeploymentWhereInput = {};
  if (filter.environmentId) where.environmentId = filter.environmentId;
  if (filter.app || filter.environment) {
    where.environment = {
      ...(filter.environment ? { name: filter.environment } : {}),
      ...(filter.app ? { application: { name: filter.app } } : {}),
    };
  }
  if (filter.phase) where.phase = filter.phase;
  if (after) {
    where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }];
  }
  return where;
}

/**
 * Deployments as the api sees them: creation (with the one-active-per-environment key), reads, commands.
 * The worker's tick load/commit lives in deployment-tick.repository.ts.
 */
@Injectable()
export class DeploymentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts an active deployment (activeKey = environmentId). The caller holds the environment row lock
   * (`EnvironmentRepository.lock`) and has checked that no other deployment is active there; the unique
   * activeKey stays the last line of defence.
   */
  async create(tx: Tx, d: NewDeployment, firstEvent: NewDeploymentEvent): Promise<DeploymentRecord> {
    const row = await tx.deployment.create({
      data: {
        ...(d.id ? { id: d.id } : {}),
        environmentId: d.environmentId,
        releaseId: d.releaseId,
        previousReleaseId: d.previousReleaseId,
        kind: d.kind,
        rollbackOfId: d.rollbackOfId,
        strategy: d.strategy,
        phase: d.state.phase,
        pauseReason: d.state.pauseReason,
        state: d.state as unknown as Prisma.InputJsonValue,
        activeKey: d.environmentId,
        reason: d.reason,
        createdBy: d.createdBy,
        createdByTokenId: d.createdByTokenId,
        ...(d.freezeOverride ? { freezeOverride: d.freezeOverride as unknown as Prisma.InputJsonValue } : {}),
        ...(d.waveRunId ? { waveRunId: d.waveRunId } : {}),
      },
      include,
    });
    await this.appendEvent(tx, row.id, firstEvent);
    return toRecord(row);
  }

  async findById(id: string, tx?: Tx): Promise<DeploymentRecord | null> {
    if (!UUID.test(id)) return null;
    const row = await (tx ?? this.prisma).deployment.findUnique({ where: { id }, include });
    return row ? toRecord(row) : null;
  }

  /** How many deployments are in each phase, per strategy type (the metrics gauge). */
  async countByPhaseAndStrategy(): Promise<Array<{ phase: string; strategy: string; count: number }>> {
    const rows = await this.prisma.$queryRaw<Array<{ phase: string; strategy: string | null; count: bigint }>>`
      SELECT "phase", "strategy"->>'type' AS "strategy", count(*) AS "count" FROM "Deployment" GROUP BY 1, 2`;
    return rows.map((r) => ({ phase: r.phase, strategy: r.strategy ?? 'unknown', count: Number(r.count) }));
  }

  /** Several at once (one query); unknown ids are absent from the map. */
  async findManyByIds(ids: readonly string[], tx?: Tx): Promise<Map<string, DeploymentRecord>> {
    const valid = [...new Set(ids)].filter((id) => UUID.test(id));
    if (valid.length === 0) return new Map();
    const rows = await (tx ?? this.prisma).deployment.findMany({ where: { id: { in: valid } }, include });
    return new Map(rows.map((row) => [row.id, toRecord(row)]));
  }

  /** Row-locks the deployment until the transaction ends: commands on one deployment are decided one at a time. */
  async lockForUpdate(tx: Tx, id: string): Promise<DeploymentRecord | null> {
    if (!UUID.test(id)) return null;
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Deployment" WHERE "id" = ${id}::uuid FOR UPDATE`;
    if (rows.length === 0) return null;
    return this.findById(id, tx);
  }

  /**
   * What holds the environment: its active deployment, else an ended one with a retry waiting for the worker (it
   * becomes active again on its next tick, so it blocks a new deployment just as an active one does). Call it under
   * the environment's lock (`EnvironmentRepository.lock`).
   */
  async activeIn(tx: Tx, environmentId: string): Promise<DeploymentRecord | null> {
    const active = await tx.deployment.findUnique({ where: { activeKey: environmentId }, include });
    if (active) return toRecord(active);
    const retrying = await tx.deployment.findFirst({
      where: { environmentId, activeKey: null, commands: { some: { type: 'retry', status: 'pending' } } },
      orderBy: { createdAt: 'desc' },
      include,
    });
    return retrying ? toRecord(retrying) : null;
  }

  /** The environment's most recent Succeeded deployment: what serves there now. */
  async latestSucceeded(environmentId: string, tx?: Tx): Promise<DeploymentRecord | null> {
    const row = await (tx ?? this.prisma).deployment.findFirst({
      where: { environmentId, phase: 'Succeeded' },
      orderBy: [{ finishedAt: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }, { id: 'desc' }],
      include,
    });
    return row ? toRecord(row) : null;
  }

  /** Newest first; `take` one more than the page to learn whether another follows. */
  async list(filter: DeploymentFilter, take: number, after?: DeploymentPosition): Promise<DeploymentRecord[]> {
    const rows = await this.prisma.deployment.findMany({
      where: filterWhere(filter, after),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      include,
    });
    return rows.map(toRecord);
  }

  async getDetail(id: string): Promise<DeploymentDetailRecord | null> {
    if (!UUID.test(id)) return null;
    const row = await this.prisma.deployment.findUnique({
      where: { id },
      include: {
        ...include,
        events: { orderBy: { position: 'desc' }, take: DETAIL_EVENT_LIMIT },
        commands: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      },
    });
    if (!row) return null;
    return {
      ...toRecord(row),
      events: row.events.reverse().map((e) => ({ seq: e.seq.toString(), type: e.type, message: e.message, data: e.data, actor: e.actor, createdAt: e.createdAt })),
      commands: row.commands.map((c) => ({ ...c })),
    };
  }

  /** One timeline entry in the caller's transaction (with the deployment's snapshot as the transaction sees it). */
  async appendEvent(tx: Tx, deploymentId: string, event: NewDeploymentEvent): Promise<void> {
    await insertDeploymentEvents(tx, deploymentId, [event]);
  }

  async insertCommand(tx: Tx, command: NewDeploymentCommand): Promise<DeploymentCommandRecord> {
    return tx.deploymentCommand.create({ data: command });
  }

  async pendingCommands(tx: Tx, deploymentId: string): Promise<DeploymentCommandRecord[]> {
    return tx.deploymentCommand.findMany({ where: { deploymentId, status: 'pending' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** Refuses the deployment's pending commands (it ended before the worker consumed them). */
  async rejectPendingCommands(tx: Tx, deploymentId: string, result: string): Promise<number> {
    const { count } = await tx.deploymentCommand.updateMany({
      where: { deploymentId, status: 'pending' },
      data: { status: 'rejected', result, consumedAt: new Date() },
    });
    return count;
  }

  /**
   * Ends a deployment superseded by another (the domain's `supersede` decided `decision` under the row lock): its
   * state, then its timeline (whose snapshots show the new state), and its pending commands refused with `result`.
   */
  async recordSuperseded(tx: Tx, id: string, decision: Pick<Decision, 'state' | 'events'>, result: string): Promise<void> {
    await this.saveState(tx, id, decision.state);
    await this.rejectPendingCommands(tx, id, result);
    await insertDeploymentEvents(tx, id, decision.events.map((e) => ({ ...e, data: e.data as Prisma.InputJsonValue })));
  }

  /**
   * Stores a machine state decided outside a worker tick (superseding, and tests that need a deployment in a given
   * phase): phase, pause reason, failure and the active key follow the state; the version moves on, so a tick that
   * loaded the old state cannot commit over it.
   */
  async saveState(tx: Tx, id: string, state: DeploymentState): Promise<DeploymentRecord> {
    const ended = isTerminal(state.phase);
    const current = await tx.deployment.findUniqueOrThrow({ where: { id }, select: { environmentId: true, finishedAt: true } });
    const row = await tx.deployment.update({
      where: { id },
      data: {
        state: state as unknown as Prisma.InputJsonValue,
        phase: state.phase,
        pauseReason: state.pauseReason,
        failureReason: state.failure?.reason ?? null,
        activeKey: ended ? null : current.environmentId,
        finishedAt: ended ? (current.finishedAt ?? new Date()) : null,
        version: { increment: 1 },
      },
      include,
    });
    return toRecord(row);
  }
}
