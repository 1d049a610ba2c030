/**
 * Simulated time: every controller and the kubelet read "now" from here, so that a time scale of 20 makes
 * a 15 s progress deadline pass in 0.75 s of wall time while timestamps stay consistent with each other.
 */
export class SimClock {
  private readonly realStart = Date.now();

  constructor(readonly timeScale: number) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.realStart + (Date.now() - this.realStart) * this.timeScale;
  }

  /** Wall-clock milliseconds for a simulated delay. */
  toReal(simMs: number): number {
    return Math.max(0, simMs / this.timeScale);
  }

  /** Kubernetes timestamps have second precision (metav1.Time). */
  timestamp(simMs = this.now()): string {
    return new Date(Math.floor(simMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }
}

export function parseTime(ts: string | undefined | null): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}
