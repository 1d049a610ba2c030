// One tick of a deployment: (state, observation, commands, now) → (next state, effects, events, wake-up).
// Pure: the worker loads the inputs, commits the Decision in one version-guarded transaction, then runs the effects.
import { strategies, type StrategyRegistry } from '../strategies/strategy.registry';
import { advanceDirect, startDirect } from '../strategies/shared/direct.machine';
import { hooksDone } from '../strategies/shared/hooks.machine';
import type { StrategyMachine } from '../strategies/shared/machine.types';
import { releasePodFailure } from '../strategies/shared/pod-failures.rules';
import { advanceRestore, failDeployment } from '../strategies/shared/restore.machine';
import { emit, setPhase, SYSTEM, type Tick } from '../strategies/shared/tick.machine';
import { clusterReachable } from './cluster-trouble.rules';
import { applyCommand, canApply } from './command.rules';
import type { Command, CommandOutcome } from '../model/deployment/command.types';
import { isTerminal, type Baseline, type DeploymentContext, type DeploymentState, type Failure } from '../model/deployment/deployment.types';
import type { Decision } from '../model/deployment/effect.types';
import type { Observation } from '../model/deployment/observation.types';
import { decidedStatus } from './deployment-status.view';
import { advanceGated, holdBeforeStart, settleGate } from './gates/approval-gate.machine';
import type { ApprovalRecordView } from '../model/deployment/approval.types';

/** The state a deployment row starts with (phase Pending). */
export function initialDeploymentState(ctx: DeploymentContext, now: number): DeploymentState {
  return {
    schema: 1,
    ctx,
    phase: 'Pending',
    pauseReason: null,
    phaseSince: now,
    baseline: null,
    hooks: { next: 0, started: false, since: now, attempt: 1 },
    rollout: null,
    touched: [],
    failure: null,
    restoreTarget: null,
    restoreSince: null,
    consumedCommandIds: [],
    status: null,
  };
}

/** What serves now: workloads of another release (or of the previous one) with replicas, and the Services' selectors. */
export function captureBaseline(ctx: DeploymentContext, obs: Observation): Baseline {
  const workloads =
    ctx.previousRelease === null
      ? []
      : Object.values(obs.workloads)
          .filter((w) => w.specReplicas > 0 && w.release !== null && (w.release !== ctx.release || w.release === ctx.previousRelease))
          .map((w) => ({ name: w.name, role: w.role ?? 'primary', release: w.release ?? ctx.previousRelease ?? '', replicas: w.specReplicas }))
          .sort((a, b) => a.name.localeCompare(b.name));
  const services = Object.values(obs.services)
    .map((s) => ({ name: s.name, selector: { ...s.selector } }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { workloads, services };
}

function begin(t: Tick, machine: StrategyMachine): void {
  const s = t.state;
  s.baseline = captureBaseline(s.ctx, t.obs);
  const serving = s.baseline.workloads.map((w) => `${w.name} (${w.release} × ${w.replicas})`).join(', ');
  emit(t, 'Started', `Deploying ${s.ctx.release} with ${s.ctx.strategy.type}${serving ? `; serving now: ${serving}` : '; nothing serves yet'}`, {
    release: s.ctx.release,
    previousRelease: s.ctx.previousRelease,
    strategy: s.ctx.strategy.type,
    baseline: s.baseline,
  });
  const refusal = machine.preflight(t);
  if (refusal) failDeployment(t, refusal);
  else setPhase(t, 'Progressing');
}

/** A failure that is certain now: pods of the new release that cannot work, or Kubernetes' own progress deadline. */
export function detectFailure(state: DeploymentState, obs: Observation, now: number): Failure | null {
  const pods = releasePodFailure(obs.pods, state.ctx.release, now);
  if (pods) return pods;
  for (const name of state.touched) {
    const w = obs.workloads[name];
    if (w?.release !== state.ctx.release) continue;
    const exceeded = w.conditions.find((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded');
    if (exceeded) {
      return { code: 'ProgressDeadlineExceeded', reason: `${name}: ${exceeded.message ?? 'progress deadline exceeded'}`, at: now, data: { workload: name } };
    }
  }
  return null;
}

function runRollout(t: Tick, machine: StrategyMachine, approvals: readonly ApprovalRecordView[]): void {
  const s = t.state;
  const userPaused = s.phase === 'Paused' && s.pauseReason === 'UserPaused';
  // The `start` gate (strategies without a promotion point) holds before the hooks too: nothing runs unapproved.
  if (s.rollout === null && !userPaused && holdBeforeStart(t, approvals)) return;
  if (!userPaused && !hooksDone(t)) return;
  if (s.phase !== 'Progressing' && s.phase !== 'Paused') return;
  if (s.rollout === null) {
    if (userPaused) return;
    if (machine.comparable(s)) machine.start(t);
    else startDirect(t, machine);
  }
  const failure = detectFailure(s, t.obs, t.now);
  if (failure) {
    failDeployment(t, failure);
    return;
  }
  if (s.phase === 'Paused' && (s.pauseReason === 'UserPaused' || s.pauseReason === 'Inconclusive' || s.pauseReason === 'ClusterUnreachable')) return;
  if (s.rollout?.kind === 'direct') advanceDirect(t, machine);
  else advanceGated(t, machine, approvals);
}

function consume(t: Tick, commands: readonly Command[], machines: StrategyRegistry, approvals: readonly ApprovalRecordView[]): CommandOutcome[] {
  const outcomes: CommandOutcome[] = [];
  for (const c of commands) {
    if (t.state.consumedCommandIds.includes(c.id)) continue;
    t.actor = c.actor;
    const verdict = canApply(t.state, c, machines, { approvals, now: t.now });
    if (verdict.ok) {
      outcomes.push({ id: c.id, status: 'applied', result: applyCommand(t, c, machines) });
    } else {
      emit(t, 'CommandRejected', `${c.type} by ${c.actor} refused: ${verdict.reason}`, { commandId: c.id, command: c.type, reason: verdict.reason });
      outcomes.push({ id: c.id, status: 'rejected', result: verdict.reason });
    }
    t.state.consumedCommandIds.push(c.id);
    t.actor = SYSTEM;
  }
  return outcomes;
}

/**
 * The tick. Commands are consumed first, in the order given (each checked against the state the previous one left),
 * then the machine moves as far as the observation allows. A command id already consumed is ignored. `approvals`
 * are the deployment's recorded approvals (the rules decide which count).
 */
export function decide(
  state: DeploymentState,
  observation: Observation,
  commands: readonly Command[],
  now: number,
  machines: StrategyRegistry = strategies,
  approvals: readonly ApprovalRecordView[] = [],
): Decision {
  const t: Tick = { now, obs: observation, state: structuredClone(state), effects: [], events: [], wakeAt: null, actor: SYSTEM };
  clusterReachable(t);
  // Approvals that arrived since the last tick release a held gate before any promote is judged.
  if (t.state.phase === 'Paused' && t.state.pauseReason === 'AwaitingApproval') settleGate(t, approvals);
  const outcomes = consume(t, commands, machines, approvals);
  const machine = machines.machineFor(t.state.ctx.strategy.type);
  if (t.state.phase === 'Pending') begin(t, machine);
  if (t.state.phase === 'Progressing' || t.state.phase === 'Paused') runRollout(t, machine, approvals);
  else if (t.state.phase === 'RollingBack') advanceRestore(t);
  t.state.status = decidedStatus(t.state, observation, now, t.effects.length, machines);
  return {
    state: t.state,
    effects: t.effects,
    events: t.events,
    commands: outcomes,
    wakeAt: isTerminal(t.state.phase) ? null : t.wakeAt,
  };
}
