import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DomainError,
  initialDeploymentState,
  isTerminal,
  parseStrategyDocument,
  type Phase,
  type RequestContext,
  type StrategyDocument,
} from '@cutover/domain';
import {
  ApplicationRepository,
  AuditRepository,
  type DeploymentRecord,
  DeploymentRepository,
  EnvironmentRepository,
  type Prisma,
  ReleaseRepository,
  TransactionRunner,
  type Tx,
} from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry';
import { IdempotencyService, type IdempotentRequest } from '../../common/idempotency/idempotency.service';
import { limitOf } from '../../common/pagination/page-query.dto';
import { decodeCursor, mapPage, toPage, type Page } from '../../common/pagination/pagination';
import { assertScopeAudited, refusedEntry } from './deployment-audit.util';
import { deploymentContextOf } from './deployment-context.util';
import { toDeploymentModel, toDetailModel } from './deployment-model.util';
import { DeploymentWaker } from './deployment-waker.service';
import type { CreateDeploymentDto } from './dto/create-deployment.dto';
import type { HistoryArgs, ListDeploymentsQuery } from './dto/list-deployments.query';
import type { DeploymentDetailModel } from './models/deployment-detail.model';
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

/** 409 naming the active deployment (its id in the problem's `details`). */
export function activeConflict(active: DeploymentRecord): DomainError {
  const what = active.active ? 'is active' : 'has a retry waiting to start';
  return DomainError.conflict(
    `Deployment ${active.id} (${active.release}, ${active.phase}) ${what} in ${active.app}/${active.environment}; wait for it, abort it, or pass supersede: true.`,
    { activeDeploymentId: active.id, activePhase: active.phase, activeRelease: active.release },
  );
}

export function parseStrategy(input: unknown): StrategyDocument {
  const parsed = parseStrategyDocument(input, 'strategy');
  if (!parsed.ok) throw DomainError.validation(parsed.errors);
  return parsed.value;
}

@Injectable()
export class DeploymentsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly apps: ApplicationRepository,
    private readonly environments: EnvironmentRepository,
    private readonly releases: ReleaseRepository,
    private readonly deployments: DeploymentRepository,
    private readonly audit: AuditRepository,
    private readonly idempotency: IdempotencyService,
    private readonly waker: DeploymentWaker,
  ) {}

  async create(ctx: RequestContext, body: CreateDeploymentDto, idempotencyKey: string | null = null): Promise<CreateAnswer> {
    await assertScopeAudited(this.audit, ctx, 'deployment.create', { app: body.app, environment: body.environment }, null);
    const idem = this.idempotency.request(ctx, idempotencyKey, 'deployment.create', body);
    const replay = await this.idempotency.replay(idem);
    if (replay) return { status: replay.status, body: reviveModel(replay.body), replayed: true };

    const override = body.strategy === undefined ? undefined : parseStrategy(body.strategy);
    const app = await this.apps.findByName(body.app);
    if (!app) throw fieldError('app', 'exists', `app "${body.app}" does not exist`);
    const env = await this.environments.findByName(app.id, body.environment);
    if (!env) throw fieldError('environment', 'exists', `app "${body.app}" has no environment "${body.environment}"`);
    const release = await this.releases.findByVersion(app.id, body.release);
    if (!release) throw fieldError('release', 'exists', `app "${body.app}" has no release "${body.release}"`);
    const strategy = override ?? parseStrategy(env.strategy);

    let created: DeploymentRecord;
    try {
      created = await this.tx.run(async (tx) => {
        const locked = await this.environments.lock(tx, app.id, env.name);
        if (!locked) throw DomainError.notFound('environment', `${body.app}/${body.environment}`);
        // A twin request with the same key that held this lock first has committed its answer: replay it.
        if (await this.idempotency.recordedMeanwhile(tx, idem)) throw new IdempotencyRace();
        const id = randomUUID();
        const active = (await this.deployments.findActive(tx, locked.id)) ?? (await this.deployments.findRetrying(tx, locked.id));
        if (active) {
          if (body.supersede !== true) throw activeConflict(active);
          await this.supersede(tx, ctx, active, id, body.reason ?? null);
        }
        const previous = await this.deployments.latestSucceeded(locked.id, tx);
        const state = initialDeploymentState(
          deploymentContextOf({
            app: app.name,
            environment: locked.name,
            replicas: locked.replicas,
            release,
            previousRelease: previous?.release ?? null,
            kind: 'deploy',
            strategy,
          }),
          Date.now(),
        );
        const deployment = await this.deployments.create(
          tx,
          {
            id,
            environmentId: locked.id,
            releaseId: release.id,
            previousReleaseId: previous?.releaseId ?? null,
            kind: 'deploy',
            rollbackOfId: null,
            strategy: strategy as unknown as Prisma.InputJsonValue,
            state,
            reason: body.reason ?? null,
            createdBy: ctx.actor.name,
            createdByTokenId: ctx.actor.tokenId,
          },
          {
            type: 'Created',
            message: `${ctx.actor.name} asked to deploy ${release.version} with ${strategy.type}${previous ? ` (serving now: ${previous.release})` : ' (first deployment)'}`,
            data: { release: release.version, previousRelease: previous?.release ?? null, strategy: strategy.type, kind: 'deploy', reason: body.reason ?? null },
            actor: ctx.actor.name,
          },
        );
        await this.audit.append(tx, auditEntry(ctx, { action: 'deployment.create', resourceType: 'deployment', resourceId: deployment.id, input: body, reason: body.reason }));
        await this.storeAnswer(tx, idem, toDeploymentModel(deployment));
        return deployment;
      });
    } catch (error) {
      if (error instanceof IdempotencyRace) {
        const again = await this.idempotency.replay(idem);
        if (again) return { status: again.status, body: reviveModel(again.body), replayed: true };
      }
      // Audited after the rollback, so the refusal's entry does not wait on (or die with) the create transaction.
      if (error instanceof DomainError && error.code === 'CONFLICT') {
        await this.audit.appendStandalone(refusedEntry(ctx, 'deployment.create', null, error, { app: body.app, environment: body.environment }));
      }
      throw error;
    }
    await this.waker.wake(created.id);
    return { status: 202, body: toDeploymentModel(created), replayed: false };
  }

  private async storeAnswer(tx: Tx, idem: IdempotentRequest | null, model: DeploymentModel): Promise<void> {
    if (idem === null) return;
    const stored = await this.idempotency.store(tx, idem, { status: 202, body: JSON.parse(JSON.stringify(model)) as Prisma.JsonValue });
    if (!stored) throw new IdempotencyRace();
  }

  /**
   * Ends the active deployment as Superseded in the new one's transaction: its pending commands are refused, the
   * timeline and audit say by whom. The cluster is left as it is: the new deployment captures what serves when it
   * starts and its rollback restores that, so nothing is scaled twice.
   */
  private async supersede(tx: Tx, ctx: RequestContext, active: DeploymentRecord, byId: string, reason: string | null): Promise<void> {
    const locked = await this.deployments.lockForUpdate(tx, active.id);
    if (!locked) return;
    // An ended deployment with a pending retry keeps its outcome; only the retry is refused.
    if (!isTerminal(locked.state.phase)) {
      await this.deployments.saveState(tx, locked.id, { ...locked.state, phase: 'Superseded', pauseReason: null, phaseSince: Date.now() });
    }
    await this.deployments.rejectPendingCommands(tx, locked.id, `superseded by ${byId}`);
    const ended = isTerminal(locked.state.phase);
    await this.deployments.appendEvent(tx, locked.id, {
      type: ended ? 'RetryCancelled' : 'Superseded',
      message: `${ended ? 'Pending retry cancelled: superseded' : 'Superseded'} by deployment ${byId} (asked by ${ctx.actor.name}${reason ? `: ${reason}` : ''})`,
      data: { supersededBy: byId, previousPhase: locked.phase, reason },
      actor: ctx.actor.name,
    });
    await this.audit.append(
      tx,
      auditEntry(ctx, { action: 'deployment.supersede', resourceType: 'deployment', resourceId: locked.id, input: { supersededBy: byId }, reason: reason ?? undefined }),
    );
  }

  async list(query: ListDeploymentsQuery): Promise<Page<DeploymentModel>> {
    return this.page({ app: query.app, environment: query.environment, phase: query.phase }, query);
  }

  /** What ran in one environment, newest first. */
  async history(args: HistoryArgs): Promise<Page<DeploymentModel>> {
    const app = await this.apps.findByName(args.app);
    if (!app) throw DomainError.notFound('app', args.app);
    const env = await this.environments.findByName(app.id, args.environment);
    if (!env) throw DomainError.notFound('environment', `${args.app}/${args.environment}`);
    return this.page({ environmentId: env.id }, args);
  }

  private async page(filter: { environmentId?: string; app?: string; environment?: string; phase?: Phase }, query: { limit?: number; cursor?: string }): Promise<Page<DeploymentModel>> {
    const limit = limitOf(query);
    const after = decodeCursor(query.cursor, ['at', 'id'] as const);
    const position = after ? { createdAt: new Date(after.at), id: after.id } : undefined;
    if (position && (Number.isNaN(position.createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(position.id))) {
      throw fieldError('cursor', 'cursor', 'cursor is not one this list handed out');
    }
    const rows = await this.deployments.list(filter, limit + 1, position);
    return mapPage(
      toPage(rows, limit, (last) => ({ at: last.createdAt.toISOString(), id: last.id })),
      toDeploymentModel,
    );
  }

  async get(id: string): Promise<DeploymentDetailModel> {
    const detail = await this.deployments.getDetail(id);
    if (!detail) throw DomainError.notFound('deployment', id);
    return toDetailModel(detail);
  }
}
