import { Injectable } from '@nestjs/common';
import { canApply, DomainError, isTerminal, type CommandType, type RequestContext } from '@cutover/domain';
import { AuditRepository, DeploymentApprovalRepository, type DeploymentCommandRecord, DeploymentRepository, type Prisma, TransactionRunner, type Tx } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { assertScopeAudited, refuseAudited } from './deployment-audit.rules';
import type { CommandOutcome, CommandRequest } from './deployment-command.types';
import { staleError, toCommandModel, toDeploymentModel } from './deployment.mapper';
import { DeploymentStartService } from './deployment-start.service';
import { hasMachineState } from './deployment-status.mapper';
import { DeploymentWaker } from './deployment-waker.service';
import type { DeploymentCommandResultModel } from './models/deployment.model';
import { ApiMetrics } from '../metrics/api-metrics.service';

export type { CommandRequest } from './deployment-command.types';

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
 * What makes a deployment active (the rollback of a succeeded one, a retry's environment) is the start service's.
 */
@Injectable()
export class DeploymentCommandsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly deployments: DeploymentRepository,
    private readonly audit: AuditRepository,
    private readonly start: DeploymentStartService,
    private readonly waker: DeploymentWaker,
    private readonly metrics: ApiMetrics,
    private readonly approvals: DeploymentApprovalRepository,
  ) {}

  async command(ctx: RequestContext, id: string, req: CommandRequest): Promise<DeploymentCommandResultModel> {
    try {
      const result = await this.commandOnce(ctx, id, req);
      this.metrics.command(req.intent.type, 'accepted');
      return result;
    } catch (error) {
      if (error instanceof DomainError) this.metrics.command(req.intent.type, 'refused');
      throw error;
    }
  }

  private async commandOnce(ctx: RequestContext, id: string, req: CommandRequest): Promise<DeploymentCommandResultModel> {
    const action = `deployment.${req.intent.type}`;
    const found = await this.deployments.findById(id);
    if (!found) throw DomainError.notFound('deployment', id);
    await assertScopeAudited(this.audit, ctx, action, { app: found.app, environment: found.environment }, found.id);

    const outcome = await this.tx.run(async (tx) => {
      if (req.intent.type === 'rollback' && found.phase === 'Succeeded') {
        const started = await this.start.rollbackSucceeded(tx, ctx, found, req);
        if (started) return started;
      } else if (req.intent.type === 'retry' && isTerminal(found.phase)) {
        await this.start.lockForRetry(tx, found);
      }
      return this.write(tx, ctx, id, req);
    });
    if (!outcome.ok) throw outcome.error;
    await this.waker.wake(outcome.wake);
    return outcome.result;
  }

  /**
   * The same command inside the caller's transaction (a wave run's abort reaches each of its deployments this way,
   * audited one by one). The caller wakes the deployment after its commit.
   */
  commandIn(tx: Tx, ctx: RequestContext, id: string, req: CommandRequest): Promise<CommandOutcome> {
    return this.write(tx, ctx, id, req);
  }

  private async write(tx: Tx, ctx: RequestContext, id: string, req: CommandRequest): Promise<CommandOutcome> {
    const { intent } = req;
    const action = `deployment.${intent.type}`;
    const d = await this.deployments.lockForUpdate(tx, id);
    if (!d) return { ok: false, error: DomainError.notFound('deployment', id) };
    const refuse = (error: DomainError) => refuseAudited(this.audit, tx, ctx, action, d.id, error, { intent: req.intent, reason: req.reason });
    const stale = staleError(d, req.ifMatch);
    if (stale) return refuse(stale);

    if (!hasMachineState(d.state)) {
      return refuse(DomainError.conflict(`Cannot ${intent.type} deployment ${d.id}: it has no machine state yet; the deployment is ${d.phase}.`, { phase: d.phase, command: intent.type }));
    }
    // Promotes are judged with the deployment's approvals (an approval gate refuses them, naming who is missing).
    const approvals = intent.type === 'promote' ? await this.approvals.listFor(d.id, tx) : [];
    const verdict = canApply(d.state, intent, undefined, { approvals, now: Date.now() });
    if (!verdict.ok) {
      return refuse(DomainError.conflict(`Cannot ${intent.type} deployment ${d.id}: ${verdict.reason}.`, { phase: d.state.phase, pauseReason: d.state.pauseReason, command: intent.type }));
    }
    if (intent.type === 'retry' && isTerminal(d.state.phase)) {
      // A retried deployment becomes active again: not while another one holds its environment.
      const conflict = await this.start.retryConflict(tx, d);
      if (conflict) return refuse(conflict);
    }
    const pending = conflictingPending(await this.deployments.pendingCommands(tx, d.id), intent.type);
    if (pending) {
      return refuse(
        DomainError.conflict(`Cannot ${intent.type} deployment ${d.id}: a ${pending.type} command (${pending.id}) is waiting to be applied.`, {
          phase: d.state.phase,
          pauseReason: d.state.pauseReason,
          command: intent.type,
          pendingCommandId: pending.id,
        }),
      );
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
}
