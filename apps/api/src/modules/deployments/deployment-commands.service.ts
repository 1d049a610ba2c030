import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { canApply, DomainError, initialDeploymentState, isTerminal, type CommandIntent, type CommandType, type RequestContext } from '@cutover/domain';
import {
  AuditRepository,
  type DeploymentCommandRecord,
  type DeploymentRecord,
  DeploymentRepository,
  EnvironmentRepository,
  type Prisma,
  ReleaseRepository,
  TransactionRunner,
  type Tx,
} from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry';
import { assertScopeAudited, refusedEntry } from './deployment-audit.util';
import { deploymentContextOf } from './deployment-context.util';
import { hasMachineState } from './deployment-status.util';
import { etagOf, ifMatchAllows, toCommandModel, toDeploymentModel } from './deployment-model.util';
import { DeploymentWaker } from './deployment-waker.service';
import { activeConflict, parseStrategy } from './deployments.service';
import type { DeploymentCommandResultModel } from './models/deployment.model';

export interface CommandRequest {
  intent: CommandIntent;
  reason: string | null;
  /** The If-Match header (or GraphQL `ifMatch`); null when absent. */
  ifMatch: string | null;
}

type Outcome = { ok: true; result: DeploymentCommandResultModel; wake: string } | { ok: false; error: DomainError };

/**
 * Which pending (not yet consumed) command makes a new one pointless or dangerous: the same command twice would be
 * applied twice by the worker (two promotes = two steps), and after an abort or rollback nothing else has meaning.
 */
export function conflictingPending(pending: readonly Pick<DeploymentCommandRecord, 'id' | 'type'>[], type: CommandType): Pick<DeploymentCommandRecord, 'id' | 'type'> | undefined {
  return pending.find((p) => p.type === type || p.type === 'abort' || p.type === 'rollback');
}

/**
 * promote, pause, resume, abort, rollback, retry: checked with the machine's own `canApply` under the deployment's
 * row lock, written as a pending DeploymentCommand with its audit entry, consumed by the worker's next tick.
 */
@Injectable()
export class DeploymentCommandsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly deployments: DeploymentRepository,
    private readonly environments: EnvironmentRepository,
    private readonly releases: ReleaseRepository,
    private readonly audit: AuditRepository,
    private readonly waker: DeploymentWaker,
  ) {}

  async command(ctx: RequestContext, id: string, req: CommandRequest): Promise<DeploymentCommandResultModel> {
    const action = `deployment.${req.intent.type}`;
    const found = await this.deployments.findById(id);
    if (!found) throw DomainError.notFound('deployment', id);
    await assertScopeAudited(this.audit, ctx, action, { app: found.app, environment: found.environment }, found.id);

    const outcome = await this.tx.run(async (tx) => {
      if (req.intent.type === 'rollback' && found.phase === 'Succeeded') return this.rollbackSucceeded(tx, ctx, found, req);
      // A retry makes an ended deployment active again: serialise it with creates on the environment's lock
      // (environment, then deployment: the order every path takes).
      if (req.intent.type === 'retry' && isTerminal(found.phase)) await this.environments.lock(tx, found.applicationId, found.environment);
      return this.write(tx, ctx, id, req);
    });
    if (!outcome.ok) throw outcome.error;
    await this.waker.wake(outcome.wake);
    return outcome.result;
  }

  /** Refusals are audited in the same transaction (which then commits: the refusal is the only thing it writes). */
  private async refuse(tx: Tx, ctx: RequestContext, action: string, resourceId: string, error: DomainError, req: CommandRequest): Promise<Outcome> {
    await this.audit.append(tx, refusedEntry(ctx, action, resourceId, error, { intent: req.intent, reason: req.reason }));
    return { ok: false, error };
  }

  private stale(d: DeploymentRecord, ifMatch: string | null): DomainError | null {
    if (ifMatchAllows(ifMatch, d.version)) return null;
    return new DomainError('PRECONDITION_FAILED', `The deployment changed since you read it: its ETag is now ${etagOf(d.version)}, not ${ifMatch ?? ''}.`, [], {
      etag: etagOf(d.version),
      phase: d.phase,
    });
  }

  private async write(tx: Tx, ctx: RequestContext, id: string, req: CommandRequest): Promise<Outcome> {
    const { intent } = req;
    const action = `deployment.${intent.type}`;
    const d = await this.deployments.lockForUpdate(tx, id);
    if (!d) return { ok: false, error: DomainError.notFound('deployment', id) };
    const stale = this.stale(d, req.ifMatch);
    if (stale) return this.refuse(tx, ctx, action, d.id, stale, req);

    if (!hasMachineState(d.state)) {
      return this.refuse(tx, ctx, action, d.id, DomainError.conflict(`Cannot ${intent.type} deployment ${d.id}: it has no machine state yet; the deployment is ${d.phase}.`, { phase: d.phase, command: intent.type }), req);
    }
    const verdict = canApply(d.state, intent);
    if (!verdict.ok) {
      const error = DomainError.conflict(`Cannot ${intent.type} deployment ${d.id}: ${verdict.reason}.`, { phase: d.state.phase, pauseReason: d.state.pauseReason, command: intent.type });
      return this.refuse(tx, ctx, action, d.id, error, req);
    }
    if (intent.type === 'retry' && isTerminal(d.state.phase)) {
      // A retried deployment becomes active again: not while another one runs in its environment.
      const active = (await this.deployments.findActive(tx, d.environmentId)) ?? (await this.deployments.findRetrying(tx, d.environmentId));
      if (active && active.id !== d.id) return this.refuse(tx, ctx, action, d.id, activeConflict(active), req);
    }
    const pending = conflictingPending(await this.deployments.pendingCommands(tx, d.id), intent.type);
    if (pending) {
      const error = DomainError.conflict(`Cannot ${intent.type} deployment ${d.id}: a ${pending.type} command (${pending.id}) is waiting to be applied.`, {
        phase: d.state.phase,
        pauseReason: d.state.pauseReason,
        command: intent.type,
        pendingCommandId: pending.id,
      });
      return this.refuse(tx, ctx, action, d.id, error, req);
    }

    const payload = intent.type === 'promote' ? { full: intent.full === true } : {};
    const command = await this.deployments.insertCommand(tx, {
      deploymentId: d.id,
      type: intent.type,
      payload: payload as Prisma.InputJsonValue,
      actor: ctx.actor.name,
      actorTokenId: ctx.actor.tokenId,
      reason: req.reason,
    });
    await this.audit.append(
      tx,
      auditEntry(ctx, { action, resourceType: 'deployment', resourceId: d.id, input: { commandId: command.id, ...payload, reason: req.reason }, reason: req.reason ?? undefined }),
    );
    return { ok: true, result: { commandId: command.id, command: toCommandModel(command), deployment: toDeploymentModel(d) }, wake: d.id };
  }

  /**
   * Rollback of the environment's latest Succeeded deployment: a new deployment (kind rollback) of the release that
   * served before it, with the environment's strategy. The machine decides how (blue/green inside the warm window
   * flips the active Service back at once).
   */
  private async rollbackSucceeded(tx: Tx, ctx: RequestContext, target: DeploymentRecord, req: CommandRequest): Promise<Outcome> {
    const refuse = (error: DomainError) => this.refuse(tx, ctx, 'deployment.rollback', target.id, error, req);
    const env = await this.environments.lock(tx, target.applicationId, target.environment);
    if (!env) return { ok: false, error: DomainError.notFound('environment', `${target.app}/${target.environment}`) };
    const d = await this.deployments.lockForUpdate(tx, target.id);
    if (!d) return { ok: false, error: DomainError.notFound('deployment', target.id) };
    const stale = this.stale(d, req.ifMatch);
    if (stale) return refuse(stale);
    if (d.phase !== 'Succeeded') return this.write(tx, ctx, d.id, req);

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
    const active = (await this.deployments.findActive(tx, env.id)) ?? (await this.deployments.findRetrying(tx, env.id));
    if (active) return refuse(activeConflict(active));
    const release = await this.releases.findByVersion(env.applicationId, d.previousRelease, tx);
    if (!release) return { ok: false, error: DomainError.notFound('release', `${d.app}@${d.previousRelease}`) };

    const strategy = parseStrategy(env.strategy);
    const state = initialDeploymentState(
      deploymentContextOf({ app: d.app, environment: env.name, replicas: env.replicas, release, previousRelease: d.release, kind: 'rollback', strategy }),
      Date.now(),
    );
    const created = await this.deployments.create(
      tx,
      {
        id: randomUUID(),
        environmentId: env.id,
        releaseId: release.id,
        previousReleaseId: d.releaseId,
        kind: 'rollback',
        rollbackOfId: d.id,
        strategy: strategy as unknown as Prisma.InputJsonValue,
        state,
        reason: req.reason,
        createdBy: ctx.actor.name,
        createdByTokenId: ctx.actor.tokenId,
      },
      {
        type: 'Created',
        message: `${ctx.actor.name} asked to roll back ${d.release} to ${release.version} (rollback of ${d.id})`,
        data: { release: release.version, previousRelease: d.release, strategy: strategy.type, kind: 'rollback', rollbackOf: d.id, reason: req.reason },
        actor: ctx.actor.name,
      },
    );
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
}
