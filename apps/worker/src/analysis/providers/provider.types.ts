import type { AnalysisMetric, ProviderOutcome } from '@cutover/domain';
import type { AppTarget } from '@cutover/k8s';

/** What a provider may use for one measurement. */
export interface MeasureContext {
  deploymentId: string;
  runId: string;
  /** Where the deployment runs (the job provider creates its Job there). */
  target: AppTarget & { clusterId: string };
  /** Aborted when the run stops (the deployment moved on, the worker shuts down). */
  signal: AbortSignal;
  /** Index of this measurement of the metric (0-based). */
  index: number;
}

/** One measurement source (docs/analysis.md). Never throws: every failure is an `error` outcome with its reason. */
export interface MetricProviderClient {
  measure(metric: AnalysisMetric, ctx: MeasureContext): Promise<ProviderOutcome>;
}

const MAX_SNIPPET = 200;

/** The first characters of an answer body, on one line (for error reasons). */
export function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_SNIPPET ? `${one.slice(0, MAX_SNIPPET)}…` : one;
}

/** Why a request failed, in words (timeouts named as such). */
export function requestError(error: unknown, timeout: AbortSignal, seconds: number): string {
  if (timeout.aborted) return `no answer within ${seconds}s`;
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}
