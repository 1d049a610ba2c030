// The wave run machine (docs/adr/0013): pure like the strategies. State + observation of its deployments + now in,
// next state + effects + events + wakeAt out. Commands (abort, pause, resume, promote) are applied by the api under
// the run's row lock with `applyWaveRunCommand`, judged by `canApplyWaveRunCommand`: one copy of the rules.
import type { Verdict } from '../../model/deployment/command.types';
import type { Phase } from '../../model/deployment/deployment.types';
import {
  isWaveRunTerminal,
  type WaveEnvironmentPhase,
  type WaveEnvironmentState,
  type WaveGateWait,
  type WaveRunCommand,
  type WaveRunDecision,
  type WaveRunEffect,
  type WaveRunEvent,
  type WaveRunObservation,
  type WaveRunState,
  type WaveStartResult,
  type WaveState,
} from '../../model/waves/wave-run.types';

const HISTORY_LIMIT = 200;

export type WaveEnvironmentOutcome = 'waiting' | 'inFlight' | 'succeeded' | 'failed';

export function environmentOutcome(phase: WaveEnvironmentPhase): WaveEnvironmentOutcome {
  switch (phase) {
    case 'Waiting':
      return 'waiting';
    case 'Starting':
    case 'Pending':
    case 'Progressing':
    case 'Paused':
    case 'RollingBack':
      return 'inFlight';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
    case 'RolledBack':
    case 'Aborted':
    case 'Superseded':
    case 'Refused':
      return 'failed';
  }
}

const ROLE_RANK = { viewer: 0, deployer: 1, admin: 2 } as const;

/** Working copy of a decision: the state is cloned once, then changed in place. */
interface Draft {
  state: WaveRunState;
  effects: WaveRunEffect[];
  events: WaveRunEvent[];
  now: number;
}

function draftOf(state: WaveRunState, now: number): Draft {
  return { state: structuredClone(state), effects: [], events: [], now };
}

function emit(d: Draft, type: WaveRunEvent['type'], message: string, data: Record<string, unknown> = {}, actor: string | null = 'system'): void {
  const event: WaveRunEvent = { type, message, data, actor, at: d.now };
  d.events.push(event);
  d.state.history.push(event);
  if (d.state.history.length > HISTORY_LIMIT) d.state.history.splice(0, d.state.history.length - HISTORY_LIMIT);
}

function finish(d: Draft): WaveRunDecision {
  return { state: d.state, effects: d.effects, events: d.events, wakeAt: wakeAtOf(d.state) };
}

function wakeAtOf(state: WaveRunState): number | null {
  if (isWaveRunTerminal(state.phase)) return null;
  const wave = state.waves[state.current];
  if (wave?.phase === 'Gate' && wave.gateState.bakeUntil !== null && wave.gateState.openedAt === null) return wave.gateState.bakeUntil;
  return null;
}

export interface WaveRunInit {
  app: string;
  release: string;
  waves: Array<Pick<WaveState, 'name' | 'maxParallel' | 'selector' | 'strategy' | 'gate'> & { environments: Array<Pick<WaveEnvironmentState, 'environment' | 'environmentId' | 'cluster'>> }>;
  policy: WaveRunState['policy'];
  createdBy: string;
  createdByTokenId: string | null;
  reason: string | null;
}

/**
 * A new run: the first wave Running with its first environments Starting (the api creates their deployments in the
 * run's own transaction: the `startDeployments` effect), the later waves Pending.
 */
export function initialWaveRunState(init: WaveRunInit, now: number): WaveRunDecision {
  const state: WaveRunState = {
    app: init.app,
    release: init.release,
    phase: 'Running',
    pauseReason: null,
    current: 0,
    waves: init.waves.map((w) => ({
      name: w.name,
      maxParallel: w.maxParallel,
      selector: w.selector,
      strategy: w.strategy,
      gate: w.gate,
      gateState: { reachedAt: null, bakeUntil: null, promotedBy: null, approvals: [], analysis: null, openedAt: null },
      phase: 'Pending',
      environments: w.environments.map((e) => ({ ...e, deploymentId: null, phase: 'Waiting', reason: null })),
      startedAt: null,
      endedAt: null,
    })),
    policy: init.policy,
    failures: 0,
    stopping: null,
    createdBy: init.createdBy,
    createdByTokenId: init.createdByTokenId,
    reason: init.reason,
    rollbacksRequested: [],
    history: [],
  };
  const d = draftOf(state, now);
  emit(d, 'WaveRunCreated', `${init.createdBy} started ${init.release} over ${init.waves.length} wave(s)`, { waves: init.waves.map((w) => w.name) }, init.createdBy);
  startWave(d, 0);
  return finish(d);
}

function startWave(d: Draft, index: number): void {
  const wave = d.state.waves[index]!;
  d.state.current = index;
  wave.phase = 'Running';
  wave.startedAt = d.now;
  emit(d, 'WaveStarted', `wave ${wave.name} started (${wave.environments.map((e) => e.environment).join(', ')})`, { wave: index, name: wave.name });
  startMore(d);
}

/** Starts as many waiting environments of the current wave as maxParallel lets run. */
function startMore(d: Draft): void {
  const { state } = d;
  if (state.phase !== 'Running' || state.stopping) return;
  const wave = state.waves[state.current];
  if (!wave || wave.phase !== 'Running') return;
  const inFlight = wave.environments.filter((e) => environmentOutcome(e.phase) === 'inFlight').length;
  const room = (wave.maxParallel ?? wave.environments.length) - inFlight;
  const next = wave.environments.filter((e) => e.phase === 'Waiting').slice(0, Math.max(0, room));
  if (next.length === 0) return;
  for (const e of next) e.phase = 'Starting';
  d.effects.push({ kind: 'startDeployments', wave: state.current, environments: next.map((e) => e.environment) });
}

/**
 * What the start of `startDeployments` gave (the worker or api, in the commit's transaction): each environment's
 * deployment id and phase, or Refused with why. Pure.
 */
export function recordStarted(state: WaveRunState, wave: number, results: readonly WaveStartResult[], now: number): WaveRunDecision {
  const d = draftOf(state, now);
  const w = d.state.waves[wave];
  if (!w) return finish(d);
  for (const r of results) {
    const e = w.environments.find((x) => x.environment === r.environment);
    if (!e || e.phase !== 'Starting') continue;
    e.deploymentId = r.deploymentId;
    e.phase = r.phase;
    e.reason = r.reason;
    if (r.phase === 'Refused') {
      d.state.failures += 1;
      emit(d, 'WaveEnvironmentEnded', `${e.environment} could not start: ${r.reason ?? 'refused'}`, { wave, environment: e.environment, phase: 'Refused' });
    } else {
      emit(d, 'WaveEnvironmentStarted', `${e.environment}: deployment ${r.deploymentId ?? ''} started`, { wave, environment: e.environment, deploymentId: r.deploymentId });
    }
  }
  return finish(d);
}

/** The gate's open waits, in the order they are shown. */
export function gateWaitsFor(wave: WaveState, now: number): WaveGateWait[] {
  const g = wave.gate;
  const s = wave.gateState;
  if (s.openedAt !== null) return [];
  const waits: WaveGateWait[] = [];
  if (g.bakeSeconds !== null && (s.bakeUntil === null || s.bakeUntil > now)) waits.push('bake');
  if (g.manual && s.promotedBy === null) waits.push('promotion');
  if (g.approval && s.approvals.length < g.approval.required) waits.push('approval');
  if (g.analysis && s.analysis !== 'Successful') waits.push('analysis');
  return waits;
}

/** Copies each started environment's deployment phase in; counts those that ended badly (once each). */
function observe(d: Draft, obs: WaveRunObservation): void {
  d.state.waves.forEach((wave, index) => {
    for (const e of wave.environments) {
      if (e.deploymentId === null) continue;
      const seen = obs.deployments[e.deploymentId];
      if (!seen || seen.phase === e.phase) continue;
      const before = environmentOutcome(e.phase);
      e.phase = seen.phase;
      e.reason = seen.reason;
      const after = environmentOutcome(seen.phase);
      if (before === 'inFlight' && (after === 'succeeded' || after === 'failed')) {
        if (after === 'failed') d.state.failures += 1;
        emit(d, 'WaveEnvironmentEnded', `${e.environment}: ${seen.phase}${seen.reason ? ` (${seen.reason})` : ''}`, { wave: index, environment: e.environment, deploymentId: e.deploymentId, phase: seen.phase });
      }
    }
  });
}

function overBudget(state: WaveRunState): boolean {
  return state.policy.stopOnFailure && state.failures > state.policy.failureBudget;
}

function inFlightIds(state: WaveRunState): string[] {
  return state.waves.flatMap((w) => w.environments.filter((e) => e.deploymentId !== null && environmentOutcome(e.phase) === 'inFlight').map((e) => e.deploymentId!));
}

function anyInFlight(state: WaveRunState): boolean {
  return state.waves.some((w) => w.environments.some((e) => environmentOutcome(e.phase) === 'inFlight'));
}

/** Rolls back what already succeeded, the newest wave first (asked once per deployment). */
function rollbackCompleted(d: Draft, why: string): void {
  if (!d.state.policy.rollbackCompleted) return;
  const ids: string[] = [];
  for (let i = d.state.waves.length - 1; i >= 0; i -= 1) {
    for (const e of d.state.waves[i]!.environments) {
      if (e.phase === 'Succeeded' && e.deploymentId !== null && !d.state.rollbacksRequested.includes(e.deploymentId)) ids.push(e.deploymentId);
    }
  }
  if (ids.length === 0) return;
  d.state.rollbacksRequested.push(...ids);
  d.effects.push({ kind: 'rollbackDeployments', deploymentIds: ids, reason: why });
}

function endRun(d: Draft, phase: 'Succeeded' | 'Failed', why: string): void {
  const { state } = d;
  state.phase = phase;
  state.pauseReason = null;
  state.waves.forEach((w, i) => {
    if (w.phase === 'Pending') w.phase = 'Skipped';
    else if ((w.phase === 'Running' || w.phase === 'Gate') && i === state.current) {
      w.phase = phase === 'Succeeded' ? 'Passed' : 'Failed';
      w.endedAt = d.now;
    }
    for (const e of w.environments) if (e.phase === 'Waiting') e.reason = 'not started: the run ended';
  });
  emit(d, phase === 'Succeeded' ? 'WaveRunSucceeded' : 'WaveRunFailed', why, { failures: state.failures });
  if (phase === 'Failed') rollbackCompleted(d, why);
}

function stop(d: Draft, why: string): void {
  if (d.state.stopping) return;
  d.state.stopping = { reason: why, at: d.now };
  emit(d, 'WaveRunStopping', `stopping: ${why}; no further wave starts`, { failures: d.state.failures });
}

/**
 * One tick of the run. Terminal runs do nothing. A stopping run waits for what is in flight, then ends Failed.
 */
export function decideWaveRun(state: WaveRunState, obs: WaveRunObservation, now: number): WaveRunDecision {
  const d = draftOf(state, now);
  if (isWaveRunTerminal(state.phase)) return finish(d);
  observe(d, obs);
  const s = d.state;
  if (!s.stopping && overBudget(s)) stop(d, `${s.failures} environment(s) failed (failure budget ${s.policy.failureBudget})`);
  const wave = s.waves[s.current];
  if (s.stopping) {
    if (!anyInFlight(s)) endRun(d, 'Failed', s.stopping.reason);
    return finish(d);
  }
  if (!wave) {
    endRun(d, s.failures > s.policy.failureBudget ? 'Failed' : 'Succeeded', 'every wave passed');
    return finish(d);
  }
  if (wave.phase === 'Running') {
    startMore(d);
    const settled = wave.environments.every((e) => {
      const o = environmentOutcome(e.phase);
      return o === 'succeeded' || o === 'failed';
    });
    if (!settled) return finish(d);
    wave.phase = 'Gate';
    wave.endedAt = now;
    wave.gateState.reachedAt = now;
    if (wave.gate.bakeSeconds !== null) wave.gateState.bakeUntil = now + wave.gate.bakeSeconds * 1000;
    if (wave.gate.analysis) {
      wave.gateState.analysis = 'Running';
      d.effects.push({ kind: 'runGateAnalysis', wave: s.current });
    }
    const waits = gateWaitsFor(wave, now);
    if (waits.length > 0) emit(d, 'WaveGateWaiting', `wave ${wave.name} done; the gate waits for ${waits.join(', ')}`, { wave: s.current, waitsFor: waits, bakeUntil: wave.gateState.bakeUntil });
  }
  if (wave.phase === 'Gate') {
    if (wave.gate.analysis && obs.analysis !== undefined && obs.analysis !== null) wave.gateState.analysis = obs.analysis;
    if (wave.gateState.analysis === 'Failed') {
      stop(d, `the gate analysis of wave ${wave.name} failed`);
      endRun(d, 'Failed', `the gate analysis of wave ${wave.name} failed`);
      return finish(d);
    }
    if (gateWaitsFor(wave, now).length > 0) return finish(d);
    // Paused: the gate may open, but the next wave waits for a resume.
    if (s.phase === 'Paused') return finish(d);
    wave.gateState.openedAt = now;
    wave.phase = 'Passed';
    const g = wave.gate;
    // A wave without a gate just passes: no event for a gate nobody configured.
    if (g.bakeSeconds !== null || g.manual || g.approval !== null || g.analysis !== null) emit(d, 'WaveGateOpened', `gate after wave ${wave.name} opened`, { wave: s.current });
    const next = s.current + 1;
    if (next >= s.waves.length) {
      s.current = next;
      endRun(d, s.failures > s.policy.failureBudget ? 'Failed' : 'Succeeded', 'every wave passed');
    } else {
      startWave(d, next);
    }
  }
  return finish(d);
}

function refuse(state: WaveRunState, why: string): Verdict {
  const phase = state.pauseReason ? `${state.phase} (${state.pauseReason})` : state.phase;
  return { ok: false, reason: `${why}; the wave run is ${phase}` };
}

/** Whether the command may be applied now (the api answers 409 with the reason otherwise). */
export function canApplyWaveRunCommand(state: WaveRunState, cmd: WaveRunCommand, now: number): Verdict {
  if (isWaveRunTerminal(state.phase)) return refuse(state, `cannot ${cmd.type} a run that has ended`);
  switch (cmd.type) {
    case 'abort':
      return { ok: true };
    case 'pause':
      return state.phase === 'Running' ? (state.stopping ? refuse(state, 'the run is stopping') : { ok: true }) : refuse(state, 'only a running run can be paused');
    case 'resume':
      return state.phase === 'Paused' ? { ok: true } : refuse(state, 'only a paused run can be resumed');
    case 'promote': {
      const wave = state.waves[state.current];
      if (!wave || wave.phase !== 'Gate') return refuse(state, 'no gate is waiting (promote passes a manual or approval gate after a wave finished)');
      const waits = gateWaitsFor(wave, now);
      const approval = wave.gate.approval;
      if (waits.includes('approval') && approval) {
        if (ROLE_RANK[cmd.role] < Math.min(...approval.from.map((r) => ROLE_RANK[r]))) return refuse(state, `the approval gate of wave ${wave.name} admits ${approval.from.join(' or ')}`);
        if (approval.excludeCreator && cmd.actor === state.createdBy) return refuse(state, `the approval gate of wave ${wave.name} does not count the run's creator (${cmd.actor})`);
        if (wave.gateState.approvals.includes(cmd.actor)) return refuse(state, `${cmd.actor} has already approved the gate of wave ${wave.name}`);
        return { ok: true };
      }
      if (waits.includes('promotion')) return ROLE_RANK[cmd.role] >= ROLE_RANK.deployer ? { ok: true } : refuse(state, `a manual gate is passed by a deployer or admin, not a ${cmd.role}`);
      return refuse(state, `the gate of wave ${wave.name} waits for ${waits.join(', ') || 'nothing'}, not a promote`);
    }
  }
}

/**
 * Applies a command the api has judged with `canApplyWaveRunCommand` (under the run's row lock). An abort ends the
 * run at once: every deployment in flight is aborted (`abortDeployments`, through the deployments' abort path in the
 * same transaction) and no further wave starts. A pause holds the run between starts; a resume lets it go on.
 */
export function applyWaveRunCommand(state: WaveRunState, cmd: WaveRunCommand, now: number): WaveRunDecision {
  const d = draftOf(state, now);
  const s = d.state;
  const why = cmd.reason ? `: ${cmd.reason}` : '';
  switch (cmd.type) {
    case 'abort': {
      const ids = inFlightIds(s);
      s.phase = 'Aborted';
      s.pauseReason = null;
      s.waves.forEach((w, i) => {
        if (w.phase === 'Pending') w.phase = 'Skipped';
        else if ((w.phase === 'Running' || w.phase === 'Gate') && i === s.current) {
          w.phase = 'Aborted';
          w.endedAt = now;
        }
        for (const e of w.environments) if (e.phase === 'Waiting') e.reason = 'not started: the run was aborted';
      });
      if (ids.length > 0) d.effects.push({ kind: 'abortDeployments', deploymentIds: ids, reason: `wave run aborted by ${cmd.actor}${why}` });
      emit(d, 'WaveRunAborted', `${cmd.actor} aborted the run${why}`, { aborted: ids }, cmd.actor);
      break;
    }
    case 'pause':
      s.phase = 'Paused';
      s.pauseReason = 'UserPaused';
      emit(d, 'WaveRunPaused', `${cmd.actor} paused the run${why}`, {}, cmd.actor);
      break;
    case 'resume':
      s.phase = 'Running';
      s.pauseReason = null;
      emit(d, 'WaveRunResumed', `${cmd.actor} resumed the run${why}`, {}, cmd.actor);
      break;
    case 'promote': {
      const wave = s.waves[s.current]!;
      const waits = gateWaitsFor(wave, now);
      if (waits.includes('approval')) wave.gateState.approvals.push(cmd.actor);
      else wave.gateState.promotedBy = cmd.actor;
      emit(d, 'WaveRunPromoted', `${cmd.actor} ${waits.includes('approval') ? 'approved' : 'promoted'} the gate after wave ${wave.name}${why}`, { wave: s.current }, cmd.actor);
      break;
    }
  }
  return finish(d);
}

/** Deployment phases the run copies in (every deployment phase is one). */
export function isDeploymentPhase(phase: WaveEnvironmentPhase): phase is Phase {
  return phase !== 'Waiting' && phase !== 'Starting' && phase !== 'Refused';
}

/** Run events that also go to the live event stream and notifications (on the run's anchor deployment). */
export const STREAMED_WAVE_RUN_EVENTS: ReadonlySet<WaveRunEvent['type']> = new Set([
  'WaveStarted',
  'WaveGateWaiting',
  'WaveGateOpened',
  'WaveRunPaused',
  'WaveRunResumed',
  'WaveRunPromoted',
  'WaveRunStopping',
  'WaveRunSucceeded',
  'WaveRunFailed',
  'WaveRunAborted',
]);

/**
 * The deployment whose timeline carries a run event (the event feed and notifications are per deployment): the first
 * started deployment of the wave the event names (or of the current wave), else the run's first deployment; null when
 * none has started yet.
 */
export function waveRunAnchor(state: WaveRunState, wave: number | null): string | null {
  const pick = (w: WaveState | undefined) => w?.environments.find((e) => e.deploymentId !== null)?.deploymentId ?? null;
  const named = wave !== null ? pick(state.waves[wave]) : null;
  if (named) return named;
  const current = pick(state.waves[Math.min(state.current, state.waves.length - 1)]);
  if (current) return current;
  for (const w of state.waves) {
    const id = pick(w);
    if (id) return id;
  }
  return null;
}
