import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DeploymentTickRepository, WaveRunRepository } from '@cutover/persistence';
import { DeploymentQueue, WaveRunQueue } from '@cutover/queue';
import { ClusterGateways } from '../clusters/cluster-gateways.service';
import { WakeRouter } from '../watches/wake-router.service';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';
import { WorkerMetrics } from '../metrics/worker-metrics.service';
import { idleByOwnDecision } from './reconcile-idle.policy';

/** What the passes so far cost (bench:hold; the same figures are metrics on METRICS_PORT). */
export interface ReconcileStats {
  passes: number;
  /** The pass itself: list the active deployments, register them, ask the queue which need a wake (ms). */
  lastMs: number;
  maxMs: number;
  meanMs: number;
  lastActive: number;
  lastWoken: number;
  wokenTotal: number;
  /** Active deployments the last pass left alone: held with no timer and looked at recently (idleByOwnDecision). */
  lastIdle: number;
  /** From a pass's start until its paced wakes were all sent (ms; the last pass whose wakes drained). */
  lastSweepMs: number;
  maxSweepMs: number;
}

/**
 * The safety net (not a polling loop over the cluster): every period it lists the active deployments from Postgres,
 * makes sure their namespaces are watched, and wakes each one that has no job, or whose job is delayed past the next
 * pass: so the period bounds how long any deployment sits unobserved, whatever was lost (a flushed or restarted
 * Redis, a wake-up, watch events that happened while no worker ran). Its first pass, as the worker starts, wakes
 * every active deployment (docs/adr/0008-worker-crash-recovery.md).
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Reconciler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private passes = 0;
  /** When this reconciler last woke each active deployment (the idle ones' recheck clock). */
  private readonly wokenAt = new Map<string, number>();
  private readonly totals = { totalMs: 0, maxMs: 0, lastMs: 0, lastActive: 0, lastWoken: 0, wokenTotal: 0, lastIdle: 0, lastSweepMs: 0, maxSweepMs: 0 };

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(DeploymentTickRepository) private readonly repo: DeploymentTickRepository,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(ClusterGateways) private readonly gateways: ClusterGateways,
    @Inject(WakeRouter) private readonly router: WakeRouter,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(WaveRunRepository) private readonly waveRunRepo: WaveRunRepository,
    @Inject(WaveRunQueue) private readonly waveRuns: WaveRunQueue,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  stats(): ReconcileStats {
    const t = this.totals;
    const r = (n: number) => Number(n.toFixed(1));
    return { passes: this.passes, lastMs: r(t.lastMs), maxMs: r(t.maxMs), meanMs: r(this.passes ? t.totalMs / this.passes : 0), lastActive: t.lastActive, lastWoken: t.lastWoken, wokenTotal: t.wokenTotal, lastIdle: t.lastIdle, lastSweepMs: r(t.lastSweepMs), maxSweepMs: r(t.maxSweepMs) };
  }

  onApplicationBootstrap(): void {
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  /** One pass; returns how many deployments it woke. Overlapping calls share one pass. */
  reconcile(): Promise<number> {
    this.running ??= this.pass()
      .catch((error: unknown) => {
        this.logger.warn(`reconcile failed: ${String(error)}`);
        return 0;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const t0 = performance.now();
    const active = await this.repo.listActive(this.options.clusterIds);
    // Every deployment is registered before any watch of this pass starts: a watch's first list wakes only the
    // deployments the router knows (registering one by one while lists arrived is how some were never woken).
    for (const d of active) this.router.register(d);
    const namespaces = new Map<string, { clusterId: string; namespace: string }>();
    for (const d of active) namespaces.set(`${d.clusterId}/${d.namespace}`, d);
    for (const { clusterId, namespace } of namespaces.values()) {
      this.gateways
        .get(clusterId)
        .then((g) => g.watchNamespace(namespace))
        .catch((error: unknown) => this.logger.warn(`cannot watch ${namespace} on cluster ${clusterId}: ${String(error)}`));
    }
    // First pass (this worker just started, maybe replacing one that died): everything looks again. Later passes:
    // what has no job, or a job due only after the next pass, except what is idle by its own decision (held with no
    // timer, nothing pending) and was looked at within RECONCILE_IDLE_RECHECK_MS: a command or a watch event wakes it.
    const now = Date.now();
    const candidates = this.passes === 0 ? active : active.filter((d) => !idleByOwnDecision(d, this.wokenAt.get(d.id), now, this.config.reconcileIdleRecheckMs));
    const ids = candidates.map((d) => d.id);
    const due = this.passes === 0 ? ids : await this.queue.needingWake(ids, now + this.config.reconcileIntervalMs);
    this.passes += 1;
    const activeIds = new Set(active.map((d) => d.id));
    for (const id of this.wokenAt.keys()) if (!activeIds.has(id)) this.wokenAt.delete(id);
    for (const id of due) this.wokenAt.set(id, now);
    this.router.wakeAll(due);
    const ms = performance.now() - t0;
    Object.assign(this.totals, { totalMs: this.totals.totalMs + ms, maxMs: Math.max(this.totals.maxMs, ms), lastMs: ms, lastActive: active.length, lastWoken: due.length, lastIdle: active.length - candidates.length, wokenTotal: this.totals.wokenTotal + due.length });
    this.metrics.reconcilePass(ms / 1000, active.length, due.length);
    // The sweep ends when the paced wakes it asked for were sent (10,000 at the default 200/s take 50 s).
    void this.router.drained().then(() => {
      const sweep = performance.now() - t0;
      Object.assign(this.totals, { lastSweepMs: sweep, maxSweepMs: Math.max(this.totals.maxSweepMs, sweep) });
      this.metrics.reconcileSweep(sweep / 1000);
    });
    return due.length + (await this.wakeWaveRuns());
  }

  /** Active wave runs with no job (a lost wake-up, a flushed Redis): woken, like deployments. */
  private async wakeWaveRuns(): Promise<number> {
    const ids = await this.waveRunRepo.listActiveIds(this.options.clusterIds);
    const due = this.passes === 1 ? ids : await this.waveRuns.withoutJob(ids);
    for (const id of due) await this.waveRuns.wake(id);
    return due.length;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
