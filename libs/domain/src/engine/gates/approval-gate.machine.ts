// Approval gates inside the tick and the command rules: where a deployment waits for approvals
// (Paused(AwaitingApproval)), when it goes on by itself, and why a promote is refused.
import type { ApprovalRecordView, ApprovalStatus } from '../../model/deployment/approval.types';
import type { ApprovalGateState, DeploymentState } from '../../model/deployment/deployment.types';
import type { StrategyMachine } from '../../strategies/shared/machine.types';
import { emit, setPhase, type Tick } from '../../strategies/shared/tick.machine';
import { plan } from '../deployment.plan';
import { currentStepId } from '../deployment-status.view';
import { approvalGateSteps, approvalStatus, START_GATE } from './approval.rules';

function gates(state: DeploymentState): ApprovalGateState {
  return state.approvalGates ?? { passed: [], waiting: null };
}

/** Every gate of the deployment, in order (empty without a policy). */
export function gateStepsOf(state: DeploymentState): string[] {
  const { ctx } = state;
  if (!ctx.approvals) return [];
  const direct = ctx.previousRelease === null || state.rollout?.kind === 'direct';
  return approvalGateSteps(direct ? null : plan(ctx.strategy, ctx.replicas).steps, ctx.approvals);
}

/** The gate not yet passed at the deployment's current position, or null. */
export function openGateAt(state: DeploymentState): string | null {
  const steps = gateStepsOf(state);
  if (steps.length === 0) return null;
  const at = state.rollout === null ? START_GATE : currentStepId(state);
  return at !== null && steps.includes(at) && !gates(state).passed.includes(at) ? at : null;
}

/** Where the deployment stands with the approvals of its open gate (null: no gate is open here). */
export function openGateStatus(state: DeploymentState, approvals: readonly ApprovalRecordView[], now: number): ApprovalStatus | null {
  const step = openGateAt(state);
  const policy = state.ctx.approvals;
  if (step === null || !policy) return null;
  return approvalStatus(policy, step, approvals, { deployer: state.ctx.deployer ?? '', releaseDigest: state.ctx.releaseDigest ?? '', now });
}

/** Gates later than the current position (a full promote would skip them). */
export function laterGates(state: DeploymentState): string[] {
  const steps = gateStepsOf(state);
  const at = currentStepId(state);
  const order = plan(state.ctx.strategy, state.ctx.replicas).steps.map((s) => s.id);
  const here = at === null ? -1 : order.indexOf(at);
  return steps.filter((g) => g !== START_GATE && order.indexOf(g) > here && !gates(state).passed.includes(g));
}

function pass(t: Tick, status: ApprovalStatus): void {
  const s = t.state;
  const g = gates(s);
  const waiting = g.waiting;
  s.approvalGates = { passed: [...g.passed, status.step], waiting: null };
  emit(t, 'ApprovalsComplete', `Approved by ${status.counted.join(', ')} (${status.counted.length} of ${status.required}) at ${status.step}`, { step: status.step, approvers: status.counted });
  if (s.phase === 'Paused' && s.pauseReason === 'AwaitingApproval') {
    const resume = waiting?.resume ?? null;
    if (resume) setPhase(t, 'Paused', resume, 'approvals complete');
    else setPhase(t, 'Progressing', null, 'approvals complete');
  }
}

function wait(t: Tick, status: ApprovalStatus): void {
  const s = t.state;
  if (s.phase === 'Paused' && s.pauseReason === 'AwaitingApproval') return;
  s.approvalGates = { ...gates(s), waiting: { step: status.step, resume: s.phase === 'Paused' ? s.pauseReason : null, since: t.now } };
  setPhase(t, 'Paused', 'AwaitingApproval', `needs ${status.needed}`);
}

/**
 * Settles the gate at the current position: passes it when the approvals are there (back to the pause the strategy
 * was in, or Progressing), and reports whether the rollout must hold. Called before commands are applied (so a
 * promote sees the settled state) and before the machine advances.
 */
export function settleGate(t: Tick, approvals: readonly ApprovalRecordView[]): 'open' | 'hold' {
  const status = openGateStatus(t.state, approvals, t.now);
  if (status === null) return 'open';
  if (status.satisfied) {
    pass(t, status);
    return 'open';
  }
  return 'hold';
}

/**
 * Advances the machine unless that would leave a gate whose approvals are missing. The machine still enters the
 * gated step (its pause, its effects) so a person sees the real state; it is then held in Paused(AwaitingApproval).
 */
/** The plan step id the rollout is at, by the machine that runs it (a registry of its own included). */
function stepIdOf(state: DeploymentState, machine: StrategyMachine): string | null {
  const r = state.rollout;
  return r === null || r.kind === 'direct' ? null : machine.stepOf(r);
}

export function advanceGated(t: Tick, machine: StrategyMachine, approvals: readonly ApprovalRecordView[]): void {
  if (settleGate(t, approvals) === 'open') {
    const before = stepIdOf(t.state, machine);
    machine.advance(t);
    if (stepIdOf(t.state, machine) === before || openGateAt(t.state) === null) return;
  } else if (t.state.phase === 'Paused' && t.state.pauseReason === 'AwaitingApproval') {
    return;
  }
  // At a gate whose approvals are missing: the machine settles into the step (its pause, its effects) but never
  // leaves it; then it is held in Paused(AwaitingApproval), which tells people at once.
  const at = stepIdOf(t.state, machine);
  const trial: Tick = { ...t, state: structuredClone(t.state), effects: [...t.effects], events: [...t.events] };
  machine.advance(trial);
  if (stepIdOf(trial.state, machine) === at) {
    t.state = trial.state;
    t.effects = trial.effects;
    t.events = trial.events;
    t.wakeAt = trial.wakeAt;
  }
  holdIfGated(t, approvals);
}

function holdIfGated(t: Tick, approvals: readonly ApprovalRecordView[]): void {
  const status = openGateStatus(t.state, approvals, t.now);
  if (status === null) return;
  if (status.satisfied) pass(t, status);
  else wait(t, status);
}

/** Before the rollout starts (`start` gate): hold in Paused(AwaitingApproval) until approved. */
export function holdBeforeStart(t: Tick, approvals: readonly ApprovalRecordView[]): boolean {
  if (settleGate(t, approvals) === 'open') return false;
  holdIfGated(t, approvals);
  return true;
}

/** The gate an approval given now is for: the one the deployment is at, else the next one ahead; null when none. */
export function approvalTarget(state: DeploymentState): string | null {
  return openGateAt(state) ?? laterGates(state)[0] ?? null;
}

/** A person's stable identity for approvals: a token's name, or `slack:<team>/<user>` without the display name. */
export function approverIdentity(actorName: string, via: string): string {
  return via === 'chat' ? actorName.replace(/ \(.*\)$/, '') : actorName;
}
