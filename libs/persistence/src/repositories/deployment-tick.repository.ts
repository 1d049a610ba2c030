// What one tick of a deployment reads and writes. The commit is guarded by the deployment's version: a stale or
// duplicate job finds the version moved and commits nothing. Next state, timeline events, the effects outbox and
// the consumed commands share one transaction (with audit entries for what the system did on its own).
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AnalysisRunStatus, CheckObservation, Command, Decision, DeploymentState, Effect, ReleaseSpec } from '@cutover/domain';
import { heldWithoutTimer, isTerminal } from '@cutover/domain';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { AuditRepository } from '../audit/audit.repository';
import { PrismaService } from '../prisma/prisma.service';
import { type DeploymentApprovalRecord, toApprovalRecord } from './deployment-approval.repository';
import { runTransaction } from '../transaction/transaction-runner.service';
import { insertDeploymentEvents } from './deployment-event.repository';

export interface TickTarget {
  clusterId: string;
  namespace: string;
  app: string;
  environment: string;
  environmentId: string;
  servicePort: number | null;
  serviceTargetPort: number | null;
  serviceTargetPortName: string | null;
}

export interface PendingEffect {
  id: string;
  tick: number;
  ordinal: number;
  effect: Effect;
}

export interface TickInput {
  id: string;
  version: number;
  applicationId: string;
  state: DeploymentState;
  target: TickTarget;
  commands: Command[];
  /** Effects decided by earlier ticks and not yet marked done, oldest first. */
  unfinished: PendingEffect[];
  /** Results of runCheck effects that finished (by checkId). */
  checkResults: Record<string, CheckObservation>;
  /** When the deployment was created (its duration, for metrics). */
  createdAt: Date;
  /** Verdicts of runAnalysis effects that finished (by runId). */
  analysisResults: Record<string, AnalysisRunStatus>;
  /**
   * The release specs the tick's effects may need, by version: the deployment's release and the one before it,
   * its baseline's, its unfinished effects', and those of every deployment of the environment since the latest
   * Succeeded one (what the cluster can hold when the first tick captures the baseline). Effects never read the
   * database: a version missing here is an error of this load.
   */
  releases: ReadonlyMap<string, ReleaseSpec>;
  /** Approvals given to the deployment (the domain's rules decide which count). */
  approvals: DeploymentApprovalRecord[];
  /** The wave run that started it (woken when the deployment's phase changes); null for a single deployment. */
  waveRunId: string | null;
}

export interface ActiveDeployment {
  id: string;
  clusterId: string;
  namespace: string;
  app: string;
  environment: string;
  /** Its committed state is held with no timer of its own (heldWithoutTimer): only a person or the cluster moves it. */
  heldWithoutTimer: boolean;
  /** Commands not yet handed to a tick. */
  pendingCommands: number;
  /** Effects (checks and analyses included) not yet marked done. */
  unfinishedEffects: number;
  /** Its last commit. */
  updatedAt: Date;
}

export interface CommittedEvent {
  seq: string;
  /** Commit-ordered feed position (DeploymentEventRepository). */
  position: string;
  type: string;
  message: string;
  actor: string | null;
  at: string;
}

export type CommitResult =
  | { committed: false }
  | { committed: true; version: number; effects: PendingEffect[]; events: CommittedEvent[] };

const ACTIVE_PHASES = ['Pending', 'Progressing', 'Paused', 'RollingBack'];

/** Releases are immutable: a spec read once serves every later tick of the process (bounded, oldest first out). */
const MAX_CACHED_SPECS = 2_000;

// The releases a tick may need (TickInput.releases), in one statement. Specs the process already holds come back
// without their JSON ($4: the cached versions).
const RELEASES_SQL = `
WITH since AS (
  SELECT coalesce(max("createdAt"), '-infinity'::timestamp) AS at FROM "Deployment" WHERE "environmentId" = $1::uuid AND "phase" = 'Succeeded'
), ids AS (
  SELECT d."releaseId" AS id FROM "Deployment" d, since WHERE d."environmentId" = $1::uuid AND d."createdAt" >= since.at
  UNION SELECT d."previousReleaseId" FROM "Deployment" d, since WHERE d."environmentId" = $1::uuid AND d."createdAt" >= since.at
)
SELECT r."version", CASE WHEN r."version" = ANY($4::text[]) THEN NULL ELSE r."spec" END AS "spec"
FROM "Release" r
WHERE r."id" IN (SELECT id FROM ids WHERE id IS NOT NULL) OR (r."applicationId" = $2::uuid AND r."version" = ANY($3::text[]))`;

/** Versions the state and the unfinished effects name (the rest come from the environment's recent deployments). */
function versionsNamed(state: DeploymentState, unfinished: readonly PendingEffect[]): string[] {
  const versions = new Set<string>();
  // A row written outside a tick (fixtures) may hold no machine state yet.
  const ctx = (state as Partial<DeploymentState>).ctx;
  if (ctx) {
    versions.add(ctx.release);
    if (ctx.previousRelease !== null) versions.add(ctx.previousRelease);
  }
  for (const w of state.baseline?.workloads ?? []) versions.add(w.release);
  for (const { effect } of unfinished) if ('release' in effect && typeof effect.release === 'string') versions.add(effect.release);
  return [...versions];
}

/** Events the system records in the audit log itself (an automatic rollback, a failure): they need the chain's lock. */
function audited(e: Decision['events'][number]): boolean {
  if (e.actor !== 'system') return false;
  return e.type === 'RollbackStarted' || (e.type === 'PhaseChanged' && (e.data as { to?: string }).to === 'Failed');
}

// The common commit as one statement (atomic without BEGIN/SET/COMMIT round trips: at 400 rollouts at once those
// were most of the worker's CPU, in socket writes to Postgres). Every insert and command update reads `upd`, so a
// version that moved (0 rows) writes nothing. Timestamps are UTC wall-clock, as Prisma stores TIMESTAMP(3).
const COMMIT_SQL = `
WITH upd AS (
  UPDATE "Deployment" SET
    "state" = $3::jsonb, "phase" = $4, "pauseReason" = $5, "failureReason" = $6, "version" = "version" + 1,
    "finishedAt" = CASE WHEN $7::boolean THEN $9::timestamptz AT TIME ZONE 'UTC' ELSE NULL END,
    "activeKey" = CASE WHEN $7::boolean THEN NULL WHEN $8::boolean AND "activeKey" IS NULL THEN "environmentId" ELSE "activeKey" END,
    "updatedAt" = $9::timestamptz AT TIME ZONE 'UTC'
  WHERE "id" = $1::uuid AND "version" = $2::int
  RETURNING "id", "version", "phase", "state"
), ev AS (
  INSERT INTO "DeploymentEvent" ("deploymentId", "type", "message", "data", "actor", "snapshot", "createdAt")
  SELECT upd."id", e."type", e."message", coalesce(e."data", '{}'::jsonb), e."actor", "cutover_event_snapshot"(upd."phase", upd."state"),
    $9::timestamptz AT TIME ZONE 'UTC'
  FROM upd, jsonb_to_recordset($10::jsonb) AS e("ordinal" int, "type" text, "message" text, "data" jsonb, "actor" text)
  ORDER BY e."ordinal"
  RETURNING "seq", "position"
), ef AS (
  INSERT INTO "DeploymentEffect" ("id", "deploymentId", "tick", "ordinal", "kind", "payload", "status", "createdAt")
  SELECT x."id"::uuid, upd."id", upd."version", x."ordinal", x."kind", x."payload", 'pending', $9::timestamptz AT TIME ZONE 'UTC'
  FROM upd, jsonb_to_recordset($11::jsonb) AS x("id" text, "ordinal" int, "kind" text, "payload" jsonb)
  RETURNING "id"
), cmd AS (
  UPDATE "DeploymentCommand" c SET "status" = x."status", "result" = x."result", "consumedAt" = $9::timestamptz AT TIME ZONE 'UTC'
  FROM upd, jsonb_to_recordset($12::jsonb) AS x("id" text, "status" text, "result" text)
  WHERE c."id" = x."id"::uuid AND c."deploymentId" = upd."id" AND c."status" = 'pending'
  RETURNING c."id"
)
SELECT (SELECT count(*) FROM upd)::int AS "updated", (SELECT coalesce(string_agg("seq"::text, ',' ORDER BY "seq"), '') FROM ev) AS "seqs",
  (SELECT coalesce(string_agg("position"::text, ',' ORDER BY "seq"), '') FROM ev) AS "positions",
  (SELECT count(*) FROM ef)::int AS "effects", (SELECT count(*) FROM cmd)::int AS "commands"`;

function toCommand(row: { id: string; type: string; payload: Prisma.JsonValue; actor: string; reason: string | null }): Command {
  const payload = (typeof row.payload === 'object' && row.payload !== null && !Array.isArray(row.payload) ? row.payload : {}) as Record<string, unknown>;
  const base = { id: row.id, actor: row.actor, reason: row.reason };
  switch (row.type) {
    case 'promote':
      return { ...base, type: 'promote', ...(payload.full === true ? { full: true } : {}) };
    case 'abort':
      return { ...base, type: 'abort', ...(typeof payload.supersededBy === 'string' ? { supersededBy: payload.supersededBy } : {}) };
    case 'pause':
    case 'resume':
    case 'rollback':
    case 'retry':
      return { ...base, type: row.type };
    default:
      // An unknown command type is refused by `decide` like any command it cannot apply.
      return { ...base, type: row.type as 'pause' };
  }
}

@Injectable()
export class DeploymentTickRepository {
  private readonly specs = new Map<string, ReleaseSpec>();

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  /** Everything a tick needs, in one round of queries; null when the deployment does not exist. */
  async load(deploymentId: string): Promise<TickInput | null> {
    const row = await this.prisma.deployment.findUnique({
      where: { id: deploymentId },
      include: {
        environment: { include: { application: { select: { name: true } } } },
        commands: { where: { status: 'pending' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
        effects: { where: { OR: [{ status: 'pending' }, { kind: { in: ['runCheck', 'runAnalysis'] } }] }, orderBy: [{ tick: 'asc' }, { ordinal: 'asc' }] },
        approvals: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 1_000 },
      },
    });
    if (!row) return null;
    const env = row.environment;
    const checkResults: Record<string, CheckObservation> = {};
    const analysisResults: Record<string, AnalysisRunStatus> = {};
    const unfinished: PendingEffect[] = [];
    for (const e of row.effects) {
      const payload = e.payload as unknown as Effect & { result?: CheckObservation & AnalysisRunStatus };
      if (e.kind === 'runCheck' && payload.result) checkResults[payload.result.checkId] = payload.result;
      if (e.kind === 'runAnalysis' && payload.result) analysisResults[payload.result.runId] = payload.result;
      if (e.status === 'pending') {
        const { result: _result, ...effect } = payload;
        unfinished.push({ id: e.id, tick: e.tick, ordinal: e.ordinal, effect: effect as Effect });
      }
    }
    const state = row.state as unknown as DeploymentState;
    return {
      id: row.id,
      version: row.version,
      applicationId: env.applicationId,
      state,
      target: {
        clusterId: env.clusterId,
        namespace: env.namespace,
        app: env.application.name,
        environment: env.name,
        environmentId: env.id,
        servicePort: env.servicePort,
        serviceTargetPort: env.serviceTargetPort,
        serviceTargetPortName: env.serviceTargetPortName,
      },
      commands: row.commands.map(toCommand),
      unfinished,
      checkResults,
      createdAt: row.createdAt,
      analysisResults,
      releases: await this.releasesFor(env.id, env.applicationId, versionsNamed(state, unfinished)),
      approvals: row.approvals.map(toApprovalRecord),
      waveRunId: row.waveRunId,
    };
  }

  private async releasesFor(environmentId: string, applicationId: string, named: readonly string[]): Promise<Map<string, ReleaseSpec>> {
    const key = (version: string) => `${applicationId}/${version}`;
    const prefix = `${applicationId}/`;
    const held = new Map<string, ReleaseSpec>();
    for (const [k, spec] of this.specs) if (k.startsWith(prefix)) held.set(k.slice(prefix.length), spec);
    const rows = await this.prisma.$queryRawUnsafe<Array<{ version: string; spec: Prisma.JsonValue | null }>>(RELEASES_SQL, environmentId, applicationId, named, [...held.keys()]);
    const releases = new Map<string, ReleaseSpec>();
    for (const r of rows) {
      let spec = held.get(r.version);
      if (spec === undefined && r.spec !== null) {
        spec = r.spec as unknown as ReleaseSpec;
        if (this.specs.size >= MAX_CACHED_SPECS) this.specs.delete(this.specs.keys().next().value as string);
        this.specs.set(key(r.version), spec);
      }
      if (spec !== undefined) releases.set(r.version, spec);
    }
    return releases;
  }


  /**
   * Commits the decision if the deployment is still at `version`. Effects get tick = the new version and their
   * position as ordinal; each command handed to `decide` is marked applied/rejected only if it is still pending.
   * `wasTerminal: false` (the state it was decided from was active) skips re-activating the environment's slot.
   */
  async commit(deploymentId: string, version: number, decision: Decision, now: Date = new Date(), wasTerminal = true): Promise<CommitResult> {
    if (decision.events.some(audited)) return this.commitWithAudit(deploymentId, version, decision, now, wasTerminal);
    const state = decision.state;
    const terminal = isTerminal(state.phase);
    const effects: PendingEffect[] = decision.effects.map((effect, ordinal) => ({ id: randomUUID(), tick: version + 1, ordinal, effect }));
    const rows = await this.prisma.$queryRawUnsafe<Array<{ updated: number; seqs: string; positions: string }>>(
      COMMIT_SQL,
      deploymentId,
      version,
      JSON.stringify(state),
      state.phase,
      state.pauseReason,
      state.failure?.reason ?? null,
      terminal,
      !terminal && wasTerminal,
      now.toISOString(),
      JSON.stringify(decision.events.map((e, ordinal) => ({ ordinal, type: e.type, message: e.message, data: e.data, actor: e.actor }))),
      JSON.stringify(effects.map((e) => ({ id: e.id, ordinal: e.ordinal, kind: e.effect.kind, payload: e.effect }))),
      JSON.stringify(decision.commands.map((c) => ({ id: c.id, status: c.status, result: c.result }))),
    );
    const row = rows[0];
    if (!row || Number(row.updated) === 0) return { committed: false };
    const seqs = row.seqs ? row.seqs.split(',') : [];
    const positions = row.positions ? row.positions.split(',') : [];
    return {
      committed: true,
      version: version + 1,
      effects,
      events: decision.events.map((e, i) => ({ seq: seqs[i]!, position: positions[i]!, type: e.type, message: e.message, actor: e.actor, at: now.toISOString() })),
    };
  }

  /** The same commit in a transaction, with the audit entries of what the system did on its own (rare). */
  private async commitWithAudit(deploymentId: string, version: number, decision: Decision, now: Date, wasTerminal: boolean): Promise<CommitResult> {
    const state = decision.state;
    const terminal = isTerminal(state.phase);
    return runTransaction(this.prisma, async (tx) => {
      const updated = await tx.deployment.updateMany({
        where: { id: deploymentId, version },
        data: {
          state: state as unknown as Prisma.InputJsonValue,
          phase: state.phase,
          pauseReason: state.pauseReason,
          failureReason: state.failure?.reason ?? null,
          version: { increment: 1 },
          finishedAt: terminal ? now : null,
          ...(terminal ? { activeKey: null } : {}),
        },
      });
      if (updated.count === 0) return { committed: false } as const;
      const next = version + 1;
      if (!terminal && wasTerminal) {
        // A retried deployment becomes the environment's active one again.
        await tx.$executeRaw`UPDATE "Deployment" SET "activeKey" = "environmentId" WHERE "id" = ${deploymentId}::uuid AND "activeKey" IS NULL`;
      }
      const inserted = await insertDeploymentEvents(
        tx,
        deploymentId,
        decision.events.map((e) => ({ type: e.type, message: e.message, data: e.data as Prisma.InputJsonValue, actor: e.actor })),
        now,
      );
      const effects = decision.effects.length
        ? await tx.deploymentEffect.createManyAndReturn({
            data: decision.effects.map((e, ordinal) => ({ deploymentId, tick: next, ordinal, kind: e.kind, payload: e as unknown as Prisma.InputJsonValue })),
            select: { id: true, tick: true, ordinal: true, payload: true },
          })
        : [];
      for (const c of decision.commands) {
        await tx.deploymentCommand.updateMany({ where: { id: c.id, deploymentId, status: 'pending' }, data: { status: c.status, result: c.result, consumedAt: now } });
      }
      for (const e of decision.events) {
        if (!audited(e)) continue;
        await this.audit.append(tx, {
          actorTokenId: null,
          actorName: 'system',
          action: e.type === 'RollbackStarted' ? 'deployment.rollback' : 'deployment.fail',
          resourceType: 'deployment',
          resourceId: deploymentId,
          interface: 'system',
          outcome: 'success',
          reason: state.failure?.reason ?? e.message,
          at: now,
        });
      }
      return {
        committed: true,
        version: next,
        effects: effects
          .sort((a, b) => a.ordinal - b.ordinal)
          .map((e) => ({ id: e.id, tick: e.tick, ordinal: e.ordinal, effect: e.payload as unknown as Effect })),
        events: decision.events.map((e, i) => ({ ...inserted[i]!, type: e.type, message: e.message, actor: e.actor, at: now.toISOString() })),
      } as const;
    });
  }

  async markEffectsDone(ids: readonly string[], now: Date = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.deploymentEffect.updateMany({ where: { id: { in: [...ids] }, status: 'pending' }, data: { status: 'done', doneAt: now } });
  }

  /** A runCheck effect's final result: stored with the effect (durable across worker restarts) and marks it done. */
  async recordCheckResult(effectId: string, effect: Effect, result: CheckObservation, now: Date = new Date()): Promise<void> {
    // Only a pending effect takes a result: a check run twice (two workers after a crash) keeps the first one.
    await this.prisma.deploymentEffect.updateMany({
      where: { id: effectId, status: 'pending' },
      data: { payload: { ...effect, result } as unknown as Prisma.InputJsonValue, status: 'done', doneAt: now },
    });
  }

  /**
   * The reconciler's list, with where they run (optionally on some clusters only): deployments that are not over,
   * and finished ones whose last effects never ran (a worker died between the final commit and the cluster).
   */
  async listActive(clusterIds?: readonly string[]): Promise<ActiveDeployment[]> {
    const rows = await this.prisma.deployment.findMany({
      where: {
        OR: [{ phase: { in: ACTIVE_PHASES } }, { effects: { some: { status: 'pending', kind: { notIn: ['runCheck', 'runAnalysis'] } } } }],
        ...(clusterIds ? { environment: { clusterId: { in: [...clusterIds] } } } : {}),
      },
      select: {
        id: true,
        // One query for the whole pass: the state (is it held without a timer?), pending commands, unfinished effects.
        state: true,
        updatedAt: true,
        environment: { select: { name: true, namespace: true, clusterId: true, application: { select: { name: true } } } },
        _count: { select: { commands: { where: { status: 'pending' } }, effects: { where: { status: 'pending' } } } },
      },
    });
    return rows.map((r) => {
      const state = r.state as unknown as DeploymentState;
      return {
        id: r.id,
        clusterId: r.environment.clusterId,
        namespace: r.environment.namespace,
        app: r.environment.application.name,
        environment: r.environment.name,
        heldWithoutTimer: heldWithoutTimer(state),
        pendingCommands: r._count.commands,
        unfinishedEffects: r._count.effects,
        updatedAt: r.updatedAt,
      };
    });
  }

  /**
   * An ended deployment's status from an observation after its last effects: only the state (and version) change,
   * WHERE version = v like every commit; phase, finishedAt and the events stay as they are.
   */
  async recordStatus(deploymentId: string, version: number, state: DeploymentState, now: Date = new Date()): Promise<boolean> {
    const updated = await this.prisma.deployment.updateMany({
      where: { id: deploymentId, version },
      data: { state: state as unknown as Prisma.InputJsonValue, version: { increment: 1 }, updatedAt: now },
    });
    return updated.count === 1;
  }

  /** Whether another deployment is active in the environment now (it owns the objects from here on). */
  async anotherActive(environmentId: string, deploymentId: string): Promise<boolean> {
    const row = await this.prisma.deployment.findFirst({ where: { activeKey: environmentId, NOT: { id: deploymentId } }, select: { id: true } });
    return row !== null;
  }

  /** The sealed credentials of a cluster (the worker opens them with SecretBox). */
  async clusterCredentials(clusterId: string): Promise<{ id: string; name: string; credentials: Buffer; updatedAt: Date } | null> {
    const row = await this.prisma.cluster.findUnique({ where: { id: clusterId }, select: { id: true, name: true, credentials: true, updatedAt: true } });
    return row ? { id: row.id, name: row.name, credentials: Buffer.from(row.credentials), updatedAt: row.updatedAt } : null;
  }

  /** When the cluster row last changed (credentials replaced), or null when it is gone. */
  async clusterUpdatedAt(clusterId: string): Promise<Date | null> {
    const row = await this.prisma.cluster.findUnique({ where: { id: clusterId }, select: { updatedAt: true } });
    return row?.updatedAt ?? null;
  }

  /** Whether some effect of the deployment (other than running a check) was applied: it changed the cluster. */
  async touchedCluster(deploymentId: string): Promise<boolean> {
    const done = await this.prisma.deploymentEffect.findFirst({ where: { deploymentId, status: 'done', kind: { notIn: ['runCheck', 'runAnalysis'] } }, select: { id: true } });
    return done !== null;
  }
}
