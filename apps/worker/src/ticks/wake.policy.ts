// When a deployment's next tick runs. The one place for it: the tick service asks `nextWake` after a tick, the
// processor turns the answer into the delayed job (`scheduledWake`) and spaces out failed ticks (`retryAt`). Watch
// events of the objects a deployment owns, its commands and the reconciler wake it too, whatever this says.

/** The first retry of a failed tick waits this long; each further failure in a row doubles it, up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 500;
export const MAX_BACKOFF_MS = 30_000;
/** An ended deployment waiting for its final observation looks again this soon (its effects' watch events may come first). */
export const FINAL_OBSERVATION_RETRY_MS = 1_000;

export interface TickEnd {
  /** The deployment ended: nothing to wake for. */
  terminal: boolean;
  /** The machine's own timer (a pause, a deadline, a check's next probe); null: none. */
  machineWakeAt: number | null;
  /** Effects that were already true sent no request, so no watch event will follow them. */
  alreadyTrue: number;
  /** Ended, but its status still waits for the cluster to carry out its last effects (awaitsFinalObservation). */
  observeAgain?: boolean;
}

/**
 * After a tick: an ended deployment sleeps; an effect that was already true brings no watch event, yet the machine
 * may wait on it, so look again right away; otherwise the watch events of our writes (or the machine's timer) wake it.
 */
export function nextWake(end: TickEnd, now: number): number | null {
  if (end.observeAgain === true) return now + FINAL_OBSERVATION_RETRY_MS;
  if (end.terminal) return null;
  return end.alreadyTrue > 0 ? now : end.machineWakeAt;
}

/**
 * The delayed job a tick's outcome asks for: only ticks that ran to the end (a stale one lost to another tick). A
 * deferred status commit's wake-up is what writes the latest status by its deadline (ADR 0015).
 */
export function scheduledWake(outcome: { status: string; wakeAt?: number | null }): number | null {
  if (outcome.status !== 'committed' && outcome.status !== 'unchanged' && outcome.status !== 'deferred') return null;
  return outcome.wakeAt ?? null;
}

/** After `failures` failed ticks in a row (≥ 1): exponential back-off, capped. */
export function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (Math.max(1, failures) - 1));
}

export function retryAt(failures: number, now: number): number {
  return now + backoffMs(failures);
}
