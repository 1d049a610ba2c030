// Verdicts, as Argo Rollouts users know them, with its traps closed: no data (an empty vector, NaN) is inconclusive
// (never a failure that aborts, never a pass); an error is an error; a metric whose measurements all errored can
// never pass. Pure: the worker hands in what a provider answered and when; the machines read the run's verdict.
import { evaluateCondition } from './analysis-condition.rules';
import type {
  AnalysisMetric,
  AnalysisPhase,
  AnalysisRunStatus,
  Measurement,
  MeasurementPhase,
  MetricStatus,
  ProviderOutcome,
} from './analysis.types';

const MAX_VALUE_TEXT = 2_000;

/** `result` as text for the record: JSON, with NaN and infinities spelled out. */
export function valueText(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? Number(v) : v)) ?? 'null';
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}…` : text;
}

/** Why `value` carries no data (null, NaN, an empty list, a list of such), or null when it has data. */
export function noDataReason(value: unknown): string | null {
  if (value === null || value === undefined) return 'no data (empty result)';
  if (typeof value === 'number' && Number.isNaN(value)) return 'no data (NaN)';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'no data (empty result)';
    for (const v of value) {
      const why = noDataReason(v);
      if (why !== null && why.includes('NaN')) return why;
    }
    if (value.every((v) => noDataReason(v) !== null)) return 'no data (empty result)';
  }
  return null;
}

/**
 * The phase of one measurement whose provider answered `result`. Conditions follow Argo Rollouts: with both, a true
 * failureCondition fails, else a true successCondition passes, else it is inconclusive; with one alone, the other is
 * its negation; with none, any value passes. A condition that cannot be evaluated makes the measurement an error.
 */
export function measurementPhase(metric: Pick<AnalysisMetric, 'successCondition' | 'failureCondition'>, result: unknown): { phase: MeasurementPhase; message: string | null } {
  const empty = noDataReason(result);
  if (empty !== null) return { phase: 'Inconclusive', message: empty };
  const { successCondition, failureCondition } = metric;
  let success: boolean | null = null;
  let failure: boolean | null = null;
  if (failureCondition !== null) {
    const r = evaluateCondition(failureCondition, result);
    if (!r.ok) return { phase: 'Error', message: r.message };
    failure = r.value;
  }
  if (successCondition !== null) {
    const r = evaluateCondition(successCondition, result);
    if (!r.ok) return { phase: 'Error', message: r.message };
    success = r.value;
  }
  if (success === null && failure === null) return { phase: 'Successful', message: null };
  if (success === null) success = !failure;
  if (failure === null) failure = !success;
  if (failure) return { phase: 'Failed', message: failureCondition !== null ? `\`${failureCondition}\` is true` : `\`${successCondition}\` is false` };
  if (success) return { phase: 'Successful', message: null };
  return { phase: 'Inconclusive', message: `neither \`${successCondition}\` nor \`${failureCondition}\` is true` };
}

/** The measurement to record for what a provider answered. */
export function toMeasurement(metric: AnalysisMetric, outcome: ProviderOutcome, scheduledAt: number, at: number): Measurement {
  const base = { metric: metric.name, query: outcome.query, scheduledAt, at };
  switch (outcome.kind) {
    case 'error':
      return { ...base, phase: 'Error', value: null, message: outcome.message };
    case 'phase':
      return { ...base, phase: outcome.phase, value: outcome.value === undefined ? null : valueText(outcome.value), message: outcome.message };
    case 'value': {
      const { phase, message } = measurementPhase(metric, outcome.value);
      return { ...base, phase, value: valueText(outcome.value), message };
    }
  }
}

/** When measurement `index` (0-based) of a metric is due, for a run started at `startedAt` (ms): a fixed rate. */
export function measurementDueAt(metric: Pick<AnalysisMetric, 'initialDelay' | 'interval'>, startedAt: number, index: number): number {
  return startedAt + (metric.initialDelay + index * metric.interval) * 1000;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A metric's phase from its measurements so far (oldest first). */
export function assessMetric(metric: AnalysisMetric, measurements: readonly Measurement[]): MetricStatus {
  const count = (p: MeasurementPhase) => measurements.filter((m) => m.phase === p).length;
  const successful = count('Successful');
  const failed = count('Failed');
  const inconclusive = count('Inconclusive');
  const error = count('Error');
  let consecutiveErrors = 0;
  for (let i = measurements.length - 1; i >= 0 && measurements[i]!.phase === 'Error'; i--) consecutiveErrors += 1;
  const last = measurements[measurements.length - 1];
  const lastWhy = last?.message ? `; last: ${last.message}` : '';
  const status = (phase: MetricStatus['phase'], message: string | null): MetricStatus => ({
    name: metric.name,
    phase,
    measurements: measurements.length,
    successful,
    failed,
    inconclusive,
    error,
    consecutiveErrors,
    message,
    lastValue: last?.value ?? null,
  });
  if (failed > metric.failureLimit) return status('Failed', `${plural(failed, 'failed measurement')}, limit ${metric.failureLimit}${lastWhy}`);
  if (consecutiveErrors > metric.consecutiveErrorLimit) {
    return status('Error', `${plural(consecutiveErrors, 'error')} in a row, limit ${metric.consecutiveErrorLimit}${lastWhy}`);
  }
  if (inconclusive > metric.inconclusiveLimit) {
    return status('Inconclusive', `${plural(inconclusive, 'inconclusive measurement')}, limit ${metric.inconclusiveLimit}${lastWhy}`);
  }
  if (metric.count !== null && measurements.length >= metric.count) {
    if (successful > 0) return status('Successful', `${plural(successful, 'successful measurement')} of ${measurements.length}`);
    // Never a pass without one successful measurement, whatever the limits allow.
    if (failed > 0) return status('Failed', `no successful measurement: ${plural(failed, 'failed')}${lastWhy}`);
    if (inconclusive > 0) return status('Inconclusive', `no successful measurement: ${plural(inconclusive, 'inconclusive')}${lastWhy}`);
    return status('Error', `every measurement errored${lastWhy}`);
  }
  return status('Running', null);
}

const WORST: readonly AnalysisPhase[] = ['Failed', 'Error', 'Inconclusive'];

/**
 * The run's verdict: the first metric to fail (or error, or turn inconclusive) decides it at once and the run stops;
 * it passes when every metric has passed.
 */
export function assessRun(runId: string, metrics: readonly AnalysisMetric[], measurements: readonly Measurement[]): AnalysisRunStatus {
  const statuses = metrics.map((m) => assessMetric(m, measurements.filter((x) => x.metric === m.name)));
  for (const phase of WORST) {
    const hit = statuses.find((s) => s.phase === phase);
    if (hit) return { runId, phase, message: `metric \`${hit.name}\`: ${hit.message ?? phase.toLowerCase()}`, metrics: statuses };
  }
  if (statuses.length > 0 && statuses.every((s) => s.phase === 'Successful')) {
    return { runId, phase: 'Successful', message: statuses.map((s) => `\`${s.name}\`: ${s.message ?? 'passed'}`).join('; '), metrics: statuses };
  }
  return { runId, phase: 'Running', message: null, metrics: statuses };
}

export function isRunOver(phase: AnalysisPhase): boolean {
  return phase !== 'Running';
}
