import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  approverIdentity,
  deploymentContextOf,
  DomainError,
  initialDeploymentState,
  parseStrategyDocument,
  supersede,
  withoutAnalyses,
  type RequestContext,
  type StrategyDocument,
} from '@cutover/domain';
import {
  ApplicationRepository,
  AuditRepository,
  type DeploymentRecord,
  DeploymentRepository,
  type EnvironmentRecord,
  type FreezeOverrideRecord,
  EnvironmentRepository,
  type Prisma,
  type ReleaseRecord,
  ReleaseRepository,
  TransactionRunner,
  type Tx,
} from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { IdempotencyService, type IdempotentRequest } from '../../common/idempotency/idempotency.service';
import { AnalysisResolver } from '../analysis-templates/analysis-resolver.service';
import { FreezeWindowsService } from '../freeze-windows/freeze-windows.service';
import { assertScopeAudited, refuseAudited, refusedEntry } from './deployment-audit.rules';
import type { CommandOutcome, CommandRequest } from './deployment-command.types';
import { staleError, toDeploymentModel } from './deployment.mapper';
import { DeploymentWaker } from './deployment-waker.service';
import type { CreateDeploymentDto } from './dto/create-deployment.dto';
import type { DeploymentModel } from './models/deployment.model';

/** A create's answer: `replayed` when an Idempotency-Key returned the first answer again. */
export interface CreateAnswer {
  status: number;
  body: DeploymentModel;
  replayed: boolean;
}

/** Thrown inside the create transaction to roll it back when a concurrent request with the same key won. */
class IdempotencyRace extends Error {}

function fieldError(path: string, rule: string, message: string): DomainError {
  return DomainError.validation([{ path, rule, message }]);
}

/** Dates come back from the stored JSON answer as strings. */
function reviveModel(body: unknown): DeploymentModel {
  const m = body as DeploymentModel & { createdAt: string | Date; updatedAt: string | Date; finishedAt: string | Date | null };
  return { ...m, createdAt: new Date(m.createdAt), updatedAt: new Date(m.updatedAt), finishedAt: m.finishedAt === null ? null : new Date(m.finishedAt) };
}

/** 409 naming the deployment that holds the environment (its id in the problem's `details`). */
function activeConflict(active: DeploymentRecord): DomainError {
  const what = active.active ? 'is active' : 'has a retry waiting to start';
  return DomainError.conflict(
    `Deployment ${active.id} (${active.release}, ${active.phase}) ${what} in ${active.app}/${active.environment}; wait for it, abort it, or pass supersede: true.`,
    { activeDeploymentId: active.id, activePhase: active.phase, activeRelease: active.release },
  );
}

function parseStrategy(input: unknown): StrategyDocument {
  const parsed = parseStrategyDocument(input, 'strategy');
  if (!parsed.ok) throw DomainError.validation(parsed.errors);
  return parsed.value;
}

/** One new deployment row: what the machine starts from, and its first timeline entry. */
interface Birth {
  id: string;
  env: EnvironmentRecord;
  release: ReleaseRecord;
  previous: { release: string; releaseId: string } | null;
  kind: 'deploy' | 'rollback';
  rollbackOfId: string | null;
  strategy: StrategyDocument;
  reason: string | null;
  message: string;
  data: Record<string, unknown>;
  /** Break-glass through a freeze window (deploys only). */
  freezeOverride?: FreezeOverrideRecord | null;
}

/**
 * Everything that makes a deployment active in an environment: create (with supersede), the rollback of a
 * succeeded deployment (a new deployment of the release that served before it) and a retry's environment checks.
 * The one owner of the lock order: the environment's row first, then a deployment's.
 */
@Injectable()
export class DeploymentStartService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly apps: ApplicationRepository,
    private readonly environments: EnvironmentRepository,
    private readonly releases: ReleaseRepository,
    private readonly deployments: DeploymentRepository,
    private readonly audit: AuditRepository,
    private readonly idempotency: IdempotencyService,
    private readonly waker: DeploymentWaker,
    private readonly analyses: AnalysisResolver,
    private readonly freezes: FreezeWindowsService,
  ) {}

  async create(ctx: RequestContext, body: CreateDeploymentDto, idempotencyKey: string | null = null): Promise<CreateAnswer> {
    await assertScopeAudited(this.audit, ctx, 'deployment.create', { app: body.app, environment: body.environment }, null);
    const idem = this.idempotency.request(ctx, idempotencyKey, 'deployment.create', body);
    const replay = await this.idempotency.replay(idem);
    if (replay) return { status: replay.status, body: reviveModel(replay.body), replayed: true };

    if (body.dryRun === true) throw fieldError('dryRun', 'planDeployment', 'a dry-run creates nothing: POST /v1/deployments answers it, or the planDeployment query over GraphQL');
    const override = body.strategy === undefined ? undefined : parseStrategy(body.strategy);
    const app = await this.apps.findByName(body.app);
    if (!app) throw fieldError('app', 'exists', `app "${body.app}" does not exist`);
    const env = await this.environments.findByName(app.id, body.environment);
    if (!env) throw fieldError('environment', 'exists', `app "${body.app}" has no environment "${body.environment}"`);
    const release = await this.releases.findByVersion(app.id, body.release);
    if (!release) throw fieldError('release', 'exists', `app "${body.app}" has no release "${body.release}"`);
    const parsedStrategy = override ?? parseStrategy(env.strategy);

    let created: DeploymentRecord;
    // A superseded deployment of a wave run ends outside any tick: its run is woken to see it.
    let supersededRun = null as string | null;
    try {
      // Inside a freeze window: refused (409 naming it and its end), or let through with `override` by a role allowed to.
      const freezeOverride = await this.freezes.admit(ctx, { app: app.name, environment: env.name, kind: 'deploy', override: body.override ?? null });
      created = await this.tx.run(async (tx) => {
        const locked = await this.environments.lock(tx, app.id, env.name);
        if (!locked) throw DomainError.notFound('environment', `${body.app}/${body.environment}`);
        // A twin request with the same key that held this lock first has committed its answer: replay it.
        if (await this.idempotency.recordedMeanwhile(tx, idem)) throw new IdempotencyRace();
        const id = randomUUID();
        const active = await this.deployments.activeIn(tx, locked.id);
        if (active) {
          if (body.supersede !== true) throw activeConflict(active);
          await this.supersede(tx, ctx, active, id, body.reason ?? null);
          supersededRun = active.waveRunId;
        }
        const previous = await this.deployments.latestSucceeded(locked.id, tx);
        // Analysis templates and arguments resolved now: a missing one is refused before anything is written.
        const strategy = await this.analyses.resolve(parsedStrategy, {
          applicationId: app.id,
          app: app.name,
          environment: locked.name,
          namespace: env.namespace,
          release: release.version,
          previousRelease: previous?.release ?? null,
        });
        const deployment = await this.insert(tx, ctx, {
          id,
          env: locked,
          release,
          previous,
          kind: 'deploy',
          rollbackOfId: null,
          strategy,
          reason: body.reason ?? null,
          message: `${ctx.actor.name} asked to deploy ${release.version} with ${strategy.type}${previous ? ` (serving now: ${previous.release})` : ' (first deployment)'}`,
          data: { release: release.version, previousRelease: previous?.release ?? null, strategy: strategy.type, kind: 'deploy', reason: body.reason ?? null },
          freezeOverride,
        });
        if (freezeOverride) {
          const windows = freezeOverride.windows.map((w) => `"${w.name}" (until ${w.until})`).join(', ');
          await this.deployments.appendEvent(tx, deployment.id, {
            type: 'FreezeOverridden',
            message: `${ctx.actor.name} (${ctx.actor.role}) deployed through the freeze ${windows}: ${freezeOverride.reason}`,
            data: { ...freezeOverride, reason: freezeOverride.reason },
            actor: ctx.actor.name,
          });
        }
        const auditReason = freezeOverride ? `freeze override (${freezeOverride.windows.map((w) => w.name).join(', ')}): ${freezeOverride.reason}${body.reason ? ` · ${body.reason}` : ''}` : body.reason;
        await this.audit.append(tx, auditEntry(ctx, { action: 'deployment.create', resourceType: 'deployment', resourceId: deployment.id, input: body, reason: auditReason }));
        await this.storeAnswer(tx, idem, toDeploymentModel(deployment));
        return deployment;
      });
    } catch (error) {
      if (error instanceof IdempotencyRace) {
        const again = await this.idempotency.replay(idem);
        if (again) return { status: again.status, body: reviveModel(again.body), replayed: true };
      }
      // Audited after the rollback, so the refusal's entry does not wait on (or die with) the create transaction.
      if (error instanceof DomainError && (error.code === 'CONFLICT' || (error.code === 'FORBIDDEN' && body.override))) {
        await this.audit.appendStandalone(refusedEntry(ctx, 'deployment.create', null, error, { app: body.app, environment: body.environment }));
      }
      throw error;
    }
    await this.waker.wake(created.id);
    if (supersededRun !== null) await this.waker.wakeWaveRun(supersededRun);
    return { status: 202, body: toDeploymentModel(created), replayed: false };
  }

  /**
   * Rollback of the environment's latest Succeeded deployment, inside the caller's transaction: a new deployment
   * (kind rollback) of the release that served before it, with the environment's strategy. The machine decides how
   * (blue/green inside the warm window flips the active Service back at once). null when, under the locks, the
   * deployment is no longer Succeeded: then it is an ordinary rollback command.
   */
  async rollbackSucceeded(tx: Tx, ctx: RequestContext, target: DeploymentRecord, req: CommandRequest): Promise<CommandOutcome | null> {
    const refuse = (error: DomainError) => refuseAudited(this.audit, tx, ctx, 'deployment.rollback', target.id, error, { intent: req.intent, reason: req.reason });
    const env = await this.environments.lock(tx, target.applicationId, target.environment);
    if (!env) return { ok: false, error: DomainError.notFound('environment', `${target.app}/${target.environment}`) };
    const d = await this.deployments.lockForUpdate(tx, target.id);
    if (!d) return { ok: false, error: DomainError.notFound('deployment', target.id) };
    const stale = staleError(d, req.ifMatch);
    if (stale) return refuse(stale);
    if (d.phase !== 'Succeeded') return null;

    const latest = await this.deployments.latestSucceeded(env.id, tx);
    if (latest && latest.id !== d.id) {
      return refuse(
        DomainError.conflict(`Deployment ${d.id} is not what serves in ${d.app}/${d.environment}: roll back the latest succeeded deployment, ${latest.id} (${latest.release}).`, {
          phase: d.phase,
          latestSucceededId: latest.id,
        }),
      );
    }
    if (d.previousReleaseId === null || d.previousRelease === null) {
      return refuse(DomainError.conflict(`Deployment ${d.id} was the first in ${d.app}/${d.environment}: no release served before it.`, { phase: d.phase }));
    }
    const active = await this.deployments.activeIn(tx, env.id);
    if (active) return refuse(activeConflict(active));
    const release = await this.releases.findByVersion(env.applicationId, d.previousRelease, tx);
    if (!release) return { ok: false, error: DomainError.notFound('release', `${d.app}@${d.previousRelease}`) };

    // A rollback goes back to what served before without waiting on metrics.
    const strategy = withoutAnalyses(parseStrategy(env.strategy));
    const created = await this.insert(tx, ctx, {
      id: randomUUID(),
      env,
      release,
      previous: { release: d.release, releaseId: d.releaseId },
      kind: 'rollback',
      rollbackOfId: d.id,
      strategy,
      reason: req.reason,
      message: `${ctx.actor.name} asked to roll back ${d.release} to ${release.version} (rollback of ${d.id})`,
      data: { release: release.version, previousRelease: d.release, strategy: strategy.type, kind: 'rollback', rollbackOf: d.id, reason: req.reason },
    });
    await this.deployments.appendEvent(tx, d.id, {
      type: 'RollbackRequested',
      message: `${ctx.actor.name} asked to roll back to ${release.version}: deployment ${created.id}`,
      data: { rollbackDeploymentId: created.id, reason: req.reason },
      actor: ctx.actor.name,
    });
    await this.audit.append(
      tx,
      auditEntry(ctx, { action: 'deployment.rollback', resourceType: 'deployment', resourceId: d.id, input: { rollbackDeploymentId: created.id, reason: req.reason }, reason: req.reason ?? undefined }),
    );
    await this.audit.append(
      tx,
      auditEntry(ctx, { action: 'deployment.create', resourceType: 'deployment', resourceId: created.id, input: { rollbackOf: d.id, release: release.version }, reason: req.reason ?? undefined }),
    );
    return { ok: true, result: { commandId: null, command: null, deployment: toDeploymentModel(created) }, wake: created.id };
  }

  /**
   * A retry makes an ended deployment active again: it takes the environment's lock before the deployment's (the
   * order every path takes), so it is serialised with creates. Call it first in the transaction.
   */
  async lockForRetry(tx: Tx, target: DeploymentRecord): Promise<void> {
    await this.environments.lock(tx, target.applicationId, target.environment);
  }

  /** Why a retry of the ended deployment `d` cannot start now (another one holds its environment); null if it can. */
  async retryConflict(tx: Tx, d: DeploymentRecord): Promise<DomainError | null> {
    const active = await this.deployments.activeIn(tx, d.environmentId);
    return active && active.id !== d.id ? activeConflict(active) : null;
  }

  private async insert(tx: Tx, ctx: RequestContext, b: Birth): Promise<DeploymentRecord> {
    const state = initialDeploymentState(
      {
        ...deploymentContextOf({
          app: b.env.appName,
          environment: b.env.name,
          replicas: b.env.replicas,
          release: b.release,
          previousRelease: b.previous?.release ?? null,
          kind: b.kind,
          strategy: b.strategy,
        }),
        // Approval gates bind to the policy, the release digest and the deployer as they are now; a rollback is not gated.
        approvals: b.kind === 'deploy' ? b.env.approvals : null,
        releaseDigest: b.release.digest,
        deployer: approverIdentity(ctx.actor.name, ctx.interface),
      },
      Date.now(),
    );
    return this.deployments.create(
      tx,
      {
        id: b.id,
        environmentId: b.env.id,
        releaseId: b.release.id,
        previousReleaseId: b.previous?.releaseId ?? null,
        kind: b.kind,
        rollbackOfId: b.rollbackOfId,
        strategy: b.strategy as unknown as Prisma.InputJsonValue,
        state,
        reason: b.reason,
        createdBy: ctx.actor.name,
        createdByTokenId: ctx.actor.tokenId,
        freezeOverride: b.freezeOverride ?? null,
      },
      { type: 'Created', message: b.message, data: b.data as Prisma.InputJsonValue, actor: ctx.actor.name },
    );
  }

  private async storeAnswer(tx: Tx, idem: IdempotentRequest | null, model: DeploymentModel): Promise<void> {
    if (idem === null) return;
    const stored = await this.idempotency.store(tx, idem, { status: 202, body: JSON.parse(JSON.stringify(model)) as Prisma.JsonValue });
    if (!stored) throw new IdempotencyRace();
  }

  /**
   * Ends the deployment holding the environment, in the new one's transaction, by the machine's own
   * abort {supersededBy} rule (the domain's `supersede`): it ends Superseded and leaves the cluster as it is
   * (docs/deployments.md); its pending commands are refused; the timeline and audit say by whom.
   */
  private async supersede(tx: Tx, ctx: RequestContext, active: DeploymentRecord, byId: string, reason: string | null): Promise<void> {
    const locked = await this.deployments.lockForUpdate(tx, active.id);
    if (!locked) return;
    const decision = supersede(locked.state, { by: byId, actor: ctx.actor.name, reason }, Date.now());
    await this.deployments.recordSuperseded(tx, locked.id, decision, `superseded by ${byId}`);
    await this.audit.append(
      tx,
      auditEntry(ctx, { action: 'deployment.supersede', resourceType: 'deployment', resourceId: locked.id, input: { supersededBy: byId }, reason: reason ?? undefined }),
    );
  }
}
