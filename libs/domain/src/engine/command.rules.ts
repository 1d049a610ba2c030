// Which command is allowed in which state, and what applying one does. The api refuses wrong-state commands (409)
// with the very same `canApply` the worker uses when it consumes them, so the two can never disagree.
import { strategies, type StrategyRegistry } from '../strategies/strategy.registry';
import { beginRestore } from '../strategies/shared/restore.machine';
import { emit, setPhase, type Tick } from '../strategies/shared/tick.machine';
import type { Command, CommandIntent, Verdict } from '../model/deployment/command.types';
import { isTerminal, type DeploymentState } from '../model/deployment/deployment.types';
import type { Decision } from '../model/deployment/effect.types';
import { emptyObservation } from '../model/deployment/observation.types';
import type { ApprovalRecordView } from '../model/deployment/approval.types';
import { laterGates, openGateStatus } from './gates/approval-gate.machine';

/** What the rules know of approvals: the deployment's recorded approvals and the time to judge their expiry. */
export interface CommandFacts {
  approvals: readonly ApprovalRecordView[];
  now: number;
}

const ACTIVE = ['Pending', 'Progressing', 'Paused'] as const;

function refuse(state: DeploymentState, why: string): Verdict {
  const phase = state.pauseReason ? `${state.phase} (${state.pauseReason})` : state.phase;
  return { ok: false, reason: `${why}; the deployment is ${phase}` };
}

/** `facts` omitted: no approval counts (a promote at an approval gate is refused). */
export function canApply(state: DeploymentState, command: CommandIntent, machines: StrategyRegistry = strategies, facts: CommandFacts = { approvals: [], now: 0 }): Verdict {
  const { phase, pauseReason } = state;
  const active = (ACTIVE as readonly string[]).includes(phase);
  switch (command.type) {
    case 'promote':
      if (!active) return refuse(state, 'only an active deployment can be promoted');
      if (phase === 'Paused' && pauseReason === 'UserPaused') return refuse(state, 'resume it first');
      if (state.rollout === null) return refuse(state, 'its rollout has not started yet');
    {
      const gate = openGateStatus(state, facts.approvals, facts.now);
      if (gate && !gate.satisfied) return refuse(state, `approvals are missing at ${gate.step}: ${gate.needed}`);
      const skipped = command.full === true ? laterGates(state) : [];
      if (skipped.length > 0) return refuse(state, `a full promote would skip the approval gate at ${skipped.join(', ')}; promote step by step`);
      // Approved, but the worker has not moved it out of AwaitingApproval yet: judge the pause it goes back to.
      const waiting = state.pauseReason === 'AwaitingApproval' ? (state.approvalGates?.waiting ?? null) : null;
      const judged = waiting ? { ...state, phase: waiting.resume ? state.phase : ('Progressing' as const), pauseReason: waiting.resume } : state;
      const verdict = machines.machineFor(state.ctx.strategy.type).canPromote(judged, command.full === true);
      return verdict.ok ? verdict : refuse(state, verdict.reason);
    }
    case 'pause':
      return phase === 'Progressing' ? { ok: true } : refuse(state, 'only a progressing deployment can be paused');
    case 'resume':
      return phase === 'Paused' && (pauseReason === 'UserPaused' || pauseReason === 'ClusterUnreachable')
        ? { ok: true }
        : refuse(state, 'only a deployment paused by a user (or because its cluster could not be reached) can be resumed');
    case 'abort':
      return active ? { ok: true } : refuse(state, 'only an active deployment can be aborted');
    case 'rollback':
      if (phase === 'Succeeded') {
        return refuse(state, 'a succeeded deployment is rolled back by a new deployment of the release that served before it');
      }
      if (!active) return refuse(state, 'only an active deployment can be rolled back');
      if (state.ctx.previousRelease === null) return refuse(state, 'there is no previous release to roll back to (abort instead)');
      return { ok: true };
    case 'retry':
      if (phase === 'Paused' && pauseReason === 'Inconclusive') return { ok: true };
      return phase === 'Failed' || phase === 'RolledBack' || phase === 'Aborted'
        ? { ok: true }
        : refuse(state, 'only a failed, rolled back or aborted deployment (or an inconclusive check) can be retried');
  }
}

function describe(c: Command): string {
  const what = c.type === 'promote' && c.full ? 'promote (full)' : c.type;
  return `${what} by ${c.actor}${c.reason ? `: ${c.reason}` : ''}`;
}

/** Applies a command `canApply` allowed; returns what happened for the command's row. */
export function applyCommand(t: Tick, c: Command, machines: StrategyRegistry = strategies): string {
  const s = t.state;
  const machine = machines.machineFor(s.ctx.strategy.type);
  emit(t, 'CommandApplied', describe(c), { commandId: c.id, command: c.type, reason: c.reason, ...(c.type === 'promote' ? { full: c.full === true } : {}) });
  switch (c.type) {
    case 'promote':
      machine.promote(t, c.full === true);
      return c.full ? 'promoted to the end' : 'promoted to the next step';
    case 'pause':
      setPhase(t, 'Paused', 'UserPaused', c.reason ?? undefined);
      machine.onUserPause(t, true);
      return 'paused';
    case 'resume':
      setPhase(t, 'Progressing', null, c.reason ?? undefined);
      // The wait that was interrupted starts over (Kubernetes does the same for a paused Deployment's deadline).
      if (s.rollout) s.rollout.since = t.now;
      machine.onUserPause(t, false);
      return 'resumed';
    case 'abort':
      if (c.supersededBy) {
        supersedeRule(t, c.supersededBy, c.reason);
        return `superseded by ${c.supersededBy}`;
      }
      beginRestore(t, 'Aborted');
      return 'aborted: all traffic back on the previous release';
    case 'rollback':
      emit(t, 'RollbackStarted', `Rolling back to ${s.ctx.previousRelease ?? 'the previous release'}`, { to: s.ctx.previousRelease, automatic: false });
      beginRestore(t, 'RolledBack');
      return 'rolling back';
    case 'retry':
      if (s.phase === 'Paused') {
        machine.retryCheck(t);
        return 'running the check again';
      }
      s.failure = null;
      s.restoreTarget = null;
      s.restoreSince = null;
      s.rollout = null;
      if (s.hooks.next < s.ctx.preDeployHooks.length) {
        s.hooks.attempt += 1;
        s.hooks.started = false;
      }
      setPhase(t, s.baseline ? 'Progressing' : 'Pending', null, 'retry');
      return 'restarted';
  }
}

/** Who supersedes a deployment, and why: the new deployment's id, its creator, the reason given. */
export interface SupersedeRequest {
  by: string;
  actor: string;
  reason: string | null;
}

/**
 * abort {supersededBy}: the deployment ends at once as Superseded and leaves the cluster as it is. No restore: its
 * successor captures what serves when it starts (its baseline), and the successor's own abort or rollback puts that
 * back, so nothing is scaled twice or fought over by two deployments. An ended deployment (one with a retry
 * waiting) keeps its outcome: only the retry is cancelled.
 */
function supersedeRule(t: Tick, by: string, reason: string | null): void {
  const s = t.state;
  const previousPhase = s.phase;
  const ended = isTerminal(s.phase);
  if (!ended) {
    s.phase = 'Superseded';
    s.pauseReason = null;
    s.phaseSince = t.now;
  }
  const what = ended ? 'Pending retry cancelled: superseded' : 'Superseded';
  emit(t, ended ? 'RetryCancelled' : 'Superseded', `${what} by deployment ${by} (asked by ${t.actor}${reason ? `: ${reason}` : ''})`, { supersededBy: by, previousPhase, reason });
}

/**
 * The abort {supersededBy} rule applied at once, in the transaction that creates the successor (one active
 * deployment per environment: the successor cannot wait for a tick). The same rule `decide` applies to an
 * abort {supersededBy} command; the deployment's other pending commands are refused by the caller.
 */
export function supersede(state: DeploymentState, req: SupersedeRequest, now: number): Decision {
  const t: Tick = { now, obs: emptyObservation(), state: structuredClone(state), effects: [], events: [], wakeAt: null, actor: req.actor };
  supersedeRule(t, req.by, req.reason);
  return { state: t.state, effects: t.effects, events: t.events, commands: [], wakeAt: null };
}
