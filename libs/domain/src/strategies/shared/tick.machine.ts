// The working copy of one `decide` call. Machines mutate `state` (a private clone) and append effects and events;
// `decide` returns the result as plain data, so the whole thing stays pure from the outside.
import type { DeploymentState, PauseReason, Phase } from '../../model/deployment/deployment.types';
import type { Effect, TimelineEvent, TimelineEventType } from '../../model/deployment/effect.types';
import type { Observation } from '../../model/deployment/observation.types';

export const SYSTEM = 'system';

export interface Tick {
  readonly now: number;
  readonly obs: Observation;
  state: DeploymentState;
  effects: Effect[];
  events: TimelineEvent[];
  wakeAt: number | null;
  /** Actor of what happens now: a command's actor while it is being applied, else "system". */
  actor: string;
}

export function emit(t: Tick, type: TimelineEventType, message: string, data: Record<string, unknown> = {}): void {
  t.events.push({ type, message, data, actor: t.actor });
}

export function effect(t: Tick, e: Effect): void {
  t.effects.push(e);
}

/** Ask to be ticked again no later than `at` (ms). */
export function wakeAt(t: Tick, at: number): void {
  t.wakeAt = t.wakeAt === null ? at : Math.min(t.wakeAt, at);
}

export function setPhase(t: Tick, phase: Phase, pauseReason: PauseReason | null = null, why?: string): void {
  const s = t.state;
  if (s.phase === phase && s.pauseReason === pauseReason) return;
  const from = s.phase;
  s.phase = phase;
  s.pauseReason = pauseReason;
  s.phaseSince = t.now;
  const label = pauseReason ? `${phase} (${pauseReason})` : phase;
  emit(t, 'PhaseChanged', why ? `${label}: ${why}` : label, { from, to: phase, pauseReason });
}

/** True once `seconds` have passed since `since`; otherwise asks for a wake-up at that moment. */
export function timerDue(t: Tick, since: number, seconds: number): boolean {
  const due = since + seconds * 1000;
  if (t.now >= due) return true;
  wakeAt(t, due);
  return false;
}
