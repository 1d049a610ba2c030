// Shared by bench:rollouts and bench:scale: waiting for a wave of deployments so that a bench on a loaded machine
// either finishes or says at once why it cannot, and the simulator deadlines a time scale shortens.
import os from 'node:os';

/**
 * The simulator runs `timeScale` times faster than the wall clock, so Kubernetes' progress deadline (600 s by
 * default) would pass after 600 / timeScale real seconds: 12 s at 50, less than pods take to turn ready on a busy
 * machine. Benches ask for a deadline that stays at least `minRealSeconds` of real time.
 */
export function scaledProgressDeadlineSeconds(timeScale: number, minRealSeconds = 120): number {
  return Math.max(600, Math.ceil(minRealSeconds * timeScale));
}

/** The 1-minute load average and the CPU count, for every figure a bench prints. */
export function loadNote(): string {
  const [one, five] = os.loadavg();
  return `load average ${one!.toFixed(2)} (5 min ${five!.toFixed(2)}) on ${os.cpus().length} CPUs`;
}

export interface WaveRow {
  id: string;
  phase: string;
  version: number;
  failureReason: string | null;
}

export interface WaveWait {
  /** The wave's deployments as they are now. */
  read: () => Promise<WaveRow[]>;
  /** What every deployment must reach (default Succeeded). */
  phases?: string[];
  /** Give up when no deployment of the wave moved (phase or version) for this long. */
  stallMs?: number;
  /** Give up after this long in all. */
  timeoutMs?: number;
  everyMs?: number;
  label: string;
}

const ENDED = ['Succeeded', 'Failed', 'RolledBack', 'Aborted', 'Superseded'];

function byPhase(rows: readonly WaveRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.phase, (counts.get(r.phase) ?? 0) + 1);
  return [...counts].map(([p, n]) => `${n} ${p}`).join(', ');
}

/**
 * Waits until every deployment of the wave reached one of `phases`. Fails at once when one ended elsewhere (a wave
 * that cannot finish as asked), and when nothing moved for `stallMs`, naming the phases, the first failure reasons
 * and the machine's load: a bench that waits minutes for what cannot come tells nobody anything.
 */
export async function waitForWave(w: WaveWait): Promise<void> {
  const phases = w.phases ?? ['Succeeded'];
  const stallMs = w.stallMs ?? 120_000;
  const deadline = Date.now() + (w.timeoutMs ?? 900_000);
  let fingerprint = '';
  let movedAt = Date.now();
  for (;;) {
    const rows = await w.read();
    const done = rows.filter((r) => phases.includes(r.phase)).length;
    if (done === rows.length) return;
    const wrong = rows.filter((r) => !phases.includes(r.phase) && ENDED.includes(r.phase));
    if (wrong.length > 0) {
      const reasons = [...new Set(wrong.map((r) => `${r.phase}: ${r.failureReason ?? 'no reason recorded'}`))].slice(0, 3);
      throw new Error(
        `${w.label}: ${wrong.length} of ${rows.length} deployments ended other than ${phases.join('/')} (${byPhase(rows)}), so the wave cannot finish; ` +
          `first reasons: ${reasons.join(' | ')}; ${loadNote()}`,
      );
    }
    const now = Date.now();
    const print = rows.map((r) => `${r.phase}${r.version}`).join();
    if (print !== fingerprint) {
      fingerprint = print;
      movedAt = now;
    }
    if (now - movedAt > stallMs) {
      throw new Error(`${w.label}: no deployment moved for ${Math.round(stallMs / 1000)} s with ${rows.length - done} of ${rows.length} unfinished (${byPhase(rows)}); ${loadNote()}`);
    }
    if (now > deadline) throw new Error(`${w.label}: ${rows.length - done} of ${rows.length} deployments unfinished after ${Math.round((w.timeoutMs ?? 900_000) / 1000)} s (${byPhase(rows)}); ${loadNote()}`);
    await new Promise((r) => setTimeout(r, w.everyMs ?? 250));
  }
}
