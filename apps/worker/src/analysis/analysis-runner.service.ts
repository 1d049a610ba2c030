import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  assessMetric,
  assessRun,
  measurementDueAt,
  toMeasurement,
  type AnalysisMetric,
  type Measurement,
  type ProviderOutcome,
  type RunAnalysisEffect,
} from '@cutover/domain';
import { AnalysisMeasurementRepository } from '@cutover/persistence';
import { DeploymentQueue, publishEventsCommitted } from '@cutover/queue';
import type { MeasureContext } from './providers/provider.types';
import { MetricProviders } from './metric-providers.service';

const FINISHED_MEMORY_MS = 10 * 60_000;
const MAX_LAGS = 100_000;

interface Run {
  deploymentId: string;
  effectId: string;
  effect: RunAnalysisEffect;
  target: MeasureContext['target'];
  measurements: Measurement[];
  timers: Set<NodeJS.Timeout>;
  stop: AbortController;
  over: boolean;
}

/**
 * Figures for the bench: measurements taken, how late each started against its schedule, and how long its
 * provider took to answer.
 */
export interface AnalysisRunnerStats {
  measurements: number;
  lagsMs: number[];
  answerMs: number[];
}

/**
 * Runs analyses (runAnalysis effects) in the worker, beside the ticks and never inside one: each metric is measured
 * on its own fixed-rate timer, so a slow provider delays only its own metric and never another deployment's tick.
 * Every measurement is recorded with its timeline entry; the run's verdict (the domain's assessRun) is stored with
 * its effect and wakes the deployment. A run stops when its effect is done or its deployment is no longer
 * Progressing/Paused (the insert then writes nothing). A restarted worker resumes a run from its recorded
 * measurements when the next tick hands the still-pending effect over again.
 */
@Injectable()
export class AnalysisRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(AnalysisRunner.name);
  private readonly runs = new Map<string, Run>();
  private readonly finished = new Map<string, number>();
  readonly stats: AnalysisRunnerStats = { measurements: 0, lagsMs: [], answerMs: [] };

  constructor(
    @Inject(AnalysisMeasurementRepository) private readonly repo: AnalysisMeasurementRepository,
    @Inject(MetricProviders) private readonly providers: MetricProviders,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
  ) {}

  /** Starts the run unless this process already runs (or just finished) it: idempotent per effect. */
  start(deploymentId: string, effectId: string, effect: RunAnalysisEffect, target: MeasureContext['target']): void {
    if (this.runs.has(effectId) || this.finished.has(effectId)) return;
    const run: Run = { deploymentId, effectId, effect, target, measurements: [], timers: new Set(), stop: new AbortController(), over: false };
    this.runs.set(effectId, run);
    void this.resume(run).catch((error: unknown) => {
      this.logger.warn(`analysis ${effect.runId} of ${deploymentId} could not start: ${String(error)}`);
      this.end(run, false);
    });
  }

  /** Runs this process measures now (for tests and the bench). */
  get active(): number {
    return this.runs.size;
  }

  private async resume(run: Run): Promise<void> {
    run.measurements = await this.repo.ofRun(run.deploymentId, run.effect.runId);
    const startedAt = Date.now();
    for (const metric of run.effect.metrics) {
      const taken = run.measurements.filter((m) => m.metric === metric.name).length;
      // A resumed metric goes on at its interval, without its initial delay again.
      const base = taken > 0 ? startedAt - (metric.initialDelay + taken * metric.interval) * 1000 + metric.interval * 1000 : startedAt;
      this.schedule(run, metric, base, taken);
    }
    this.settle(run);
  }

  private schedule(run: Run, metric: AnalysisMetric, base: number, index: number): void {
    if (run.over) return;
    const own = run.measurements.filter((m) => m.metric === metric.name);
    if (assessMetric(metric, own).phase !== 'Running') return;
    const due = measurementDueAt(metric, base, index);
    const timer = setTimeout(() => {
      run.timers.delete(timer);
      void this.measure(run, metric, base, index, due);
    }, Math.max(0, due - Date.now()));
    run.timers.add(timer);
  }

  private async measure(run: Run, metric: AnalysisMetric, base: number, index: number, due: number): Promise<void> {
    if (run.over) return;
    const startedAt = Date.now();
    if (this.stats.lagsMs.length < MAX_LAGS) this.stats.lagsMs.push(startedAt - due);
    let outcome: ProviderOutcome;
    try {
      outcome = await this.providers.measure(metric, { deploymentId: run.deploymentId, runId: run.effect.runId, target: run.target, signal: run.stop.signal, index });
    } catch (error) {
      outcome = { kind: 'error', message: error instanceof Error ? error.message : String(error), query: null };
    }
    if (run.over) return;
    const m = toMeasurement(metric, outcome, due, Date.now());
    this.stats.measurements += 1;
    if (this.stats.answerMs.length < MAX_LAGS) this.stats.answerMs.push(m.at - startedAt);
    let recorded: { recorded: boolean; position: string | null };
    try {
      recorded = await this.repo.record(
        { deploymentId: run.deploymentId, effectId: run.effectId, runId: run.effect.runId, stage: run.effect.where },
        metric.provider.type,
        m,
        { message: describe(metric, m), data: { runId: run.effect.runId, where: run.effect.where, metric: m.metric, provider: metric.provider.type, phase: m.phase, value: m.value, message: m.message, query: m.query, scheduledAt: m.scheduledAt } },
      );
    } catch (error) {
      // Postgres hiccup: the measurement is lost, the schedule goes on.
      this.logger.warn(`measurement ${run.effect.runId}/${metric.name} of ${run.deploymentId} not recorded: ${String(error)}`);
      this.schedule(run, metric, base, index + 1);
      return;
    }
    if (!recorded.recorded) {
      // No longer wanted: done, so no later tick hands it over again.
      this.end(run, true);
      await this.repo.abandon(run.effectId).catch(() => undefined);
      return;
    }
    if (recorded.position !== null) {
      await publishEventsCommitted(this.queue.redis, this.queue.queuePrefix, { deploymentIds: [run.deploymentId], position: recorded.position }).catch(() => undefined);
    }
    run.measurements.push(m);
    if (this.settle(run)) return;
    this.schedule(run, metric, base, index + 1);
  }

  /** Records the verdict once the run is over; true when it is. */
  private settle(run: Run): boolean {
    if (run.over) return true;
    const status = assessRun(run.effect.runId, run.effect.metrics, run.measurements);
    if (status.phase === 'Running') return false;
    this.end(run, true);
    void this.repo
      .recordRunResult(run.effectId, run.effect, status)
      .then(() => this.queue.wake(run.deploymentId))
      .catch((error: unknown) => {
        // The effect stays pending: the next tick hands it over again and the run resumes from its measurements.
        this.logger.warn(`verdict of ${run.effect.runId} of ${run.deploymentId} not recorded: ${String(error)}`);
        this.finished.delete(run.effectId);
      });
    return true;
  }

  private end(run: Run, remember: boolean): void {
    run.over = true;
    run.stop.abort();
    for (const t of run.timers) clearTimeout(t);
    run.timers.clear();
    this.runs.delete(run.effectId);
    if (!remember) return;
    const now = Date.now();
    this.finished.set(run.effectId, now);
    for (const [k, at] of this.finished) {
      if (now - at < FINISHED_MEMORY_MS) break;
      this.finished.delete(k);
    }
  }

  onApplicationShutdown(): void {
    for (const run of [...this.runs.values()]) this.end(run, false);
  }
}

function describe(metric: AnalysisMetric, m: Measurement): string {
  const value = m.value === null ? '' : ` = ${m.value}`;
  return `Measured \`${metric.name}\`${value}: ${m.phase}${m.message ? ` (${m.message})` : ''}`;
}
