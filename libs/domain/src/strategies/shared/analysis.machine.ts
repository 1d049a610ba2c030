// Metric analysis at the stages that run it (canary `analysis` steps, canary background analysis, blue/green pre-
// and post-promotion). The machine starts a run (an effect), the worker measures and records the run's verdict,
// and the machine reads it from the observation: Failed or Error fails the deployment (and so rolls back),
// Inconclusive pauses it for a human (promote goes on, retry measures again), Successful lets the stage go on.
import type { AnalysisRef, AnalysisRunStatus } from '../../model/analysis/analysis.types';
export { analysisSeconds } from '../../model/analysis/analysis-gates.rules';
import type { AnalysisWhere } from '../../model/deployment/effect.types';
import { failDeployment } from './restore.machine';
import { effect, emit, setPhase, type Tick } from './tick.machine';

/**
 * A new run id, unique within the deployment (a counter in its state), so a retry, even one that restarts the
 * rollout from the beginning, never reads an earlier run's verdict.
 */
export function nextAnalysisRunId(t: Tick, group: string): string {
  t.state.analysisRuns = (t.state.analysisRuns ?? 0) + 1;
  return `${group}-${t.state.analysisRuns}`;
}

function describeMetrics(ref: AnalysisRef): string {
  return ref.metrics.map((m) => `\`${m.name}\` (${m.provider.type}${m.count === null ? `, every ${m.interval}s` : `, ${m.count} × ${m.interval}s`})`).join(', ');
}

/** Starts a run of `ref` and answers its id. */
export function startAnalysis(t: Tick, ref: AnalysisRef, group: string, where: AnalysisWhere): string {
  const runId = nextAnalysisRunId(t, group);
  effect(t, { kind: 'runAnalysis', runId, where, metrics: ref.metrics });
  emit(t, 'AnalysisStarted', `Analysis started (${where}): ${describeMetrics(ref)}`, {
    runId,
    where,
    metrics: ref.metrics.map((m) => ({ name: m.name, provider: m.provider.type, interval: m.interval, count: m.count })),
  });
  return runId;
}

function metricsData(status: AnalysisRunStatus): Array<Record<string, unknown>> {
  return status.metrics.map((m) => ({
    name: m.name,
    phase: m.phase,
    measurements: m.measurements,
    successful: m.successful,
    failed: m.failed,
    inconclusive: m.inconclusive,
    error: m.error,
    lastValue: m.lastValue,
  }));
}

/** The run's verdict once it is over (recorded on the timeline), or null while it measures. */
export function analysisVerdict(t: Tick, runId: string, where: AnalysisWhere): AnalysisRunStatus | null {
  const status = t.obs.analyses[runId];
  if (!status || status.phase === 'Running') return null;
  const data = { runId, where, phase: status.phase, message: status.message, metrics: metricsData(status) };
  switch (status.phase) {
    case 'Successful':
      emit(t, 'AnalysisSuccessful', `Analysis passed (${where}): ${status.message ?? ''}`, data);
      break;
    case 'Inconclusive':
      emit(t, 'AnalysisInconclusive', `Analysis inconclusive (${where}): ${status.message ?? ''}`, data);
      break;
    case 'Failed':
    case 'Error':
      emit(t, 'AnalysisFailed', `Analysis ${status.phase === 'Error' ? 'errored' : 'failed'} (${where}): ${status.message ?? ''}`, data);
      break;
  }
  return status;
}

/**
 * Acts on a finished run the same way at every stage: fails or pauses the deployment, or answers true when it
 * passed. False while it measures or after failing/pausing.
 */
export function analysisPassed(t: Tick, runId: string, where: AnalysisWhere): boolean {
  const status = analysisVerdict(t, runId, where);
  if (status === null) return false;
  switch (status.phase) {
    case 'Successful':
      return true;
    case 'Inconclusive':
      setPhase(t, 'Paused', 'Inconclusive', `analysis (${where}) was inconclusive: ${status.message ?? ''}; promote to go on, retry to measure again`);
      return false;
    default:
      failDeployment(t, {
        code: 'AnalysisFailed',
        reason: `analysis (${where}) ${status.phase === 'Error' ? 'errored' : 'failed'}: ${status.message ?? ''}`,
        at: t.now,
        data: { runId, where, metrics: metricsData(status) },
      });
      return false;
  }
}
