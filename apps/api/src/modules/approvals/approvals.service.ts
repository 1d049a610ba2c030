import { Injectable } from '@nestjs/common';
import {
  approvalStatus,
  approvalTarget,
  approverAllowed,
  approverIdentity,
  DomainError,
  type DeploymentState,
  gateStepsOf,
  isTerminal,
  type RequestContext,
} from '@cutover/domain';
import { AuditRepository, type DeploymentApprovalRecord, DeploymentApprovalRepository, type DeploymentRecord, DeploymentRepository, TransactionRunner } from '@cutover/persistence';
import { auditEntry } from '../../common/audit/audit-entry.mapper';
import { assertScopeAudited, refusedEntry } from '../deployments/deployment-audit.rules';
import { DeploymentWaker } from '../deployments/deployment-waker.service';
import type { DeploymentApprovalsModel } from './models/approval.model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function view(d: DeploymentRecord, approvals: readonly DeploymentApprovalRecord[], now: number): DeploymentApprovalsModel {
  const state = d.state as DeploymentState;
  const policy = state.ctx?.approvals ?? null;
  const target = policy ? approvalTarget(state) : null;
  const facts = { deployer: state.ctx?.deployer ?? d.createdBy, releaseDigest: state.ctx?.releaseDigest ?? '', now };
  const status = policy && target ? approvalStatus(policy, target, approvals, facts) : null;
  // Each approval judged at its own gate: it counts, or the rules say why not.
  const ignoredBecause = new Map<string, string>();
  if (policy) {
    for (const step of new Set(approvals.map((a) => a.step))) {
      for (const i of approvalStatus(policy, step, approvals, facts).ignored) if (approvals.find((a) => a.id === i.id)?.step === step) ignoredBecause.set(i.id, i.why);
    }
  }
  return {
    deploymentId: d.id,
    policy: policy as unknown as Record<string, unknown> | null,
    gates: policy ? gateStepsOf(state) : [],
    passed: state.approvalGates?.passed ?? [],
    current: status ? { step: status.step, required: status.required, counted: status.counted, satisfied: status.satisfied, needed: status.needed } : null,
    approvals: approvals.map((a) => ({
      id: a.id,
      approver: a.approver,
      approverRole: a.approverRole,
      step: a.step,
      releaseDigest: a.releaseDigest,
      interface: a.interface,
      reason: a.reason,
      counts: policy !== null && !ignoredBecause.has(a.id),
      ignoredBecause: ignoredBecause.get(a.id) ?? null,
      createdAt: a.createdAt,
    })),
  };
}

/**
 * Approvals of a deployment at its gates (docs/gates.md): one row per yes, bound to the deployment, the gate's step
 * and the release digest, written with its timeline event and audit entry; the worker is woken so a held gate opens.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly deployments: DeploymentRepository,
    private readonly approvals: DeploymentApprovalRepository,
    private readonly audit: AuditRepository,
    private readonly waker: DeploymentWaker,
  ) {}

  private async find(id: string): Promise<DeploymentRecord> {
    const d = UUID.test(id) ? await this.deployments.findById(id) : null;
    if (!d) throw DomainError.notFound('deployment', id);
    return d;
  }

  async list(id: string): Promise<DeploymentApprovalsModel> {
    const d = await this.find(id);
    return view(d, await this.approvals.listFor(d.id), Date.now());
  }

  async approve(ctx: RequestContext, id: string, reason: string | null): Promise<DeploymentApprovalsModel> {
    const found = await this.find(id);
    await assertScopeAudited(this.audit, ctx, 'deployment.approve', { app: found.app, environment: found.environment }, found.id);
    const outcome = await this.tx.run(async (tx): Promise<{ ok: true; model: DeploymentApprovalsModel } | { ok: false; error: DomainError }> => {
      const d = await this.deployments.lockForUpdate(tx, found.id);
      if (!d) return { ok: false, error: DomainError.notFound('deployment', id) };
      const refusal = this.refusal(ctx, d, await this.approvals.listFor(d.id, tx));
      if (refusal) {
        await this.audit.append(tx, refusedEntry(ctx, 'deployment.approve', d.id, refusal, { reason }));
        return { ok: false, error: refusal };
      }
      const state = d.state;
      const step = approvalTarget(state) ?? '';
      const approver = approverIdentity(ctx.actor.name, ctx.interface);
      await this.approvals.create(tx, {
        deploymentId: d.id,
        step,
        releaseDigest: state.ctx.releaseDigest ?? '',
        approver,
        approverRole: ctx.actor.role as 'viewer' | 'deployer' | 'admin',
        approverTokenId: ctx.actor.tokenId,
        interface: ctx.interface,
        reason,
      });
      const all = await this.approvals.listFor(d.id, tx);
      const model = view(d, all, Date.now());
      const c = model.current;
      await this.deployments.appendEvent(tx, d.id, {
        type: 'ApprovalGiven',
        message: `${approver} approved ${step}${reason ? `: ${reason}` : ''} (${c?.counted.length ?? 0} of ${c?.required ?? 0}${c && !c.satisfied ? `; needs ${c.needed}` : ''})`,
        data: { step, approver, reason, counted: c?.counted ?? [], required: c?.required ?? 0, satisfied: c?.satisfied ?? false },
        actor: ctx.actor.name,
      });
      await this.audit.append(tx, auditEntry(ctx, { action: 'deployment.approve', resourceType: 'deployment', resourceId: d.id, input: { step, reason }, reason: reason ?? undefined }));
      return { ok: true, model };
    });
    if (!outcome.ok) throw outcome.error;
    await this.waker.wake(found.id);
    return outcome.model;
  }

  /** Why this caller may not approve now (null: they may). */
  private refusal(ctx: RequestContext, d: DeploymentRecord, existing: readonly DeploymentApprovalRecord[]): DomainError | null {
    const state = d.state;
    const policy = state.ctx?.approvals ?? null;
    if (!policy) return DomainError.conflict(`Deployment ${d.id} needs no approvals: ${d.app}/${d.environment} had no approval policy when it was created.`, { phase: d.phase });
    if (isTerminal(state.phase)) return DomainError.conflict(`Deployment ${d.id} has ended (${state.phase}): there is nothing to approve.`, { phase: state.phase });
    const step = approvalTarget(state);
    if (step === null) return DomainError.conflict(`Deployment ${d.id} has passed all its approval gates.`, { phase: state.phase, passed: state.approvalGates?.passed ?? [] });
    if (ctx.actor.role === 'system') return new DomainError('FORBIDDEN', 'The system does not approve deployments.');
    const approver = approverIdentity(ctx.actor.name, ctx.interface);
    if (!approverAllowed(policy.from, approver, ctx.actor.role)) {
      return new DomainError('FORBIDDEN', `${approver} (${ctx.actor.role}) may not approve here: the policy admits ${policy.from.join(', ')}.`, [], { from: policy.from });
    }
    if (policy.excludeDeployer && approver === (state.ctx.deployer ?? d.createdBy)) {
      return new DomainError('FORBIDDEN', `${approver} created deployment ${d.id} and may not approve it (separation of duties: excludeDeployer).`, [], { step });
    }
    if (existing.some((a) => a.step === step && a.approver === approver && a.releaseDigest === (state.ctx.releaseDigest ?? ''))) {
      return DomainError.conflict(`${approver} has already approved deployment ${d.id} at ${step}: approvals must come from distinct people.`, { step });
    }
    return null;
  }
}
