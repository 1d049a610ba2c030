// Arithmetic the strategies' plans and the status view share.
import type { HttpCheck } from '../../model/strategy-document/strategy-document.types';

/** `part` of `whole` in %, one decimal (0 when `whole` is 0). */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10;
}

/** The least time a group of checks takes: every check's `count - 1` intervals, the slowest one counting. */
export function checkSeconds(checks: readonly HttpCheck[]): number {
  return Math.max(0, ...checks.map((c) => Math.max(0, c.count - 1) * c.interval));
}
