// bench:rollouts, analysis part (BENCH_ANALYSIS=<n>, e.g. 200): n canaries at once, each with a background Prometheus
// analysis at a 1 s interval against a real Prometheus (Debian's binary, as in the tests) scraping a gauge per app.
// For BENCH_ANALYSIS_SECONDS (default 20) after every canary is measuring: queries per second sent, how late each
// measurement started against its schedule (p50/p99; target p99 < 100 ms), how long Prometheus took to answer, and
// worker CPU per 1,000 measurements.
import os from 'node:os';
import { startPrometheus, type TestPrometheus } from '../apps/worker/test/prometheus.testing';

export const ANALYSIS_CANARIES = Number(process.env.BENCH_ANALYSIS ?? 0);
const WINDOW_SECONDS = Number(process.env.BENCH_ANALYSIS_SECONDS ?? 20);

export interface AnalysisStats {
  measurements: number;
  lagsMs: number[];
  answerMs: number[];
}

/** The strategy each analysis canary deploys with: one step, a long pause, and the background analysis. */
export function analysisCanaryDoc(prometheusUrl: string, app: string): unknown {
  return {
    type: 'Canary',
    steps: [{ setWeight: 50 }, { pause: { duration: '10m' } }],
    backgroundAnalysis: {
      metrics: [
        {
          name: 'success-rate',
          provider: { prometheus: { address: prometheusUrl, query: `bench_success_rate{app="${app}"}` } },
          successCondition: 'result[0] >= 0.95',
          interval: '1s',
        },
      ],
    },
  };
}

export async function startBenchPrometheus(apps: number): Promise<TestPrometheus> {
  const prom = await startPrometheus();
  for (let i = 0; i < apps; i++) prom.gauges.set(`bench_success_rate{app="a${i}"}`, 0.99);
  await prom.scrapes(2, 30_000);
  return prom;
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface AnalysisPhaseDeps {
  /** Deploys the next release of every analysis app; answers the deployment ids. */
  deployAll(): Promise<string[]>;
  /** Resolves once every id is in one of the phases (with the pause reason, e.g. "Paused"). */
  allDone(ids: string[], phases: string[], timeoutMs: number): Promise<void>;
  /** Resets the worker's counters; answers its CPU usage then. */
  reset(): Promise<NodeJS.CpuUsage>;
  /** The worker's CPU seconds and analysis figures now. */
  stats(): Promise<{ cpuSeconds: number; analysis: AnalysisStats }>;
}

/** Runs the measured window; answers the lines for BENCHMARKS.md and the JSON figures. */
export async function runAnalysisPhase(deps: AnalysisPhaseDeps): Promise<{ lines: string[]; result: Record<string, number> }> {
  const ids = await deps.deployAll();
  // Every canary is at its pause step, its background analysis measuring each second.
  await deps.allDone(ids, ['Paused'], 600_000);
  const base = await deps.reset();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000));
  const stats = await deps.stats();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = stats.cpuSeconds - (base.user + base.system) / 1e6;
  const a = stats.analysis;
  const ms = (n: number) => Number(n.toFixed(1));
  const result = {
    analysisCanaries: ids.length,
    analysisWindowSeconds: Number(seconds.toFixed(1)),
    analysisQueriesPerSecond: Number((a.measurements / seconds).toFixed(1)),
    analysisLagMsP50: ms(pct(a.lagsMs, 50)),
    analysisLagMsP99: ms(pct(a.lagsMs, 99)),
    analysisLagMsMax: ms(Math.max(...a.lagsMs)),
    analysisAnswerMsP50: ms(pct(a.answerMs, 50)),
    analysisAnswerMsP99: ms(pct(a.answerMs, 99)),
    analysisWorkerCpuSecondsPer1000: Number(((cpuSeconds / Math.max(1, a.measurements)) * 1000).toFixed(2)),
    analysisLoadAverage: Number(os.loadavg()[0]!.toFixed(2)),
  };
  const lines = [
    `analysis: ${ids.length} canaries at once, each with a background Prometheus analysis at 1 s (real Prometheus, ${WINDOW_SECONDS} s window)`,
    `  queries sent                      ${result.analysisQueriesPerSecond} per second (${a.measurements} measurements)`,
    `  lag behind schedule               p50 ${result.analysisLagMsP50} ms, p99 ${result.analysisLagMsP99} ms, max ${result.analysisLagMsMax} ms (target p99 < 100 ms)`,
    `  Prometheus answer                 p50 ${result.analysisAnswerMsP50} ms, p99 ${result.analysisAnswerMsP99} ms`,
    `  worker CPU                        ${result.analysisWorkerCpuSecondsPer1000} s per 1,000 measurements (ticks of the paused canaries included)`,
    `  machine load average              ${result.analysisLoadAverage} on ${os.cpus().length} CPUs`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return { lines, result };
}
