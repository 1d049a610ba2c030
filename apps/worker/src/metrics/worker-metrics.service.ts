import http from 'node:http';
import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isTerminal, type Command, type CommitKind, type Decision, type DeploymentState } from '@cutover/domain';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const ROLLOUT_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200];

/** What a step is, for the step histogram: the rollout's kind and stage (bounded), never an id or a number. */
function stepKind(state: DeploymentState): string {
  const r = state.rollout;
  if (!r) return state.hooks.next > 0 || state.hooks.started ? 'hooks' : 'start';
  return `${r.kind}:${r.stage}`;
}

/**
 * The worker's Prometheus metrics, served on METRICS_PORT (`GET /metrics`, no authentication: bind it to the pod
 * network). Outcomes, durations and rollbacks are counted from what a tick commits; Kubernetes requests from the
 * clients; time per tick stage from the tick timings; reaction = a watch event that woke a deployment → the commit
 * it led to.
 */
@Injectable()
export class WorkerMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetrics.name);
  readonly registry = new Registry();
  private server: http.Server | null = null;
  private readonly durations = new Histogram({
    name: 'cutover_deployment_duration_seconds',
    help: 'From a deployment\'s creation to its end, by strategy and outcome.',
    labelNames: ['strategy', 'outcome'] as const,
    buckets: ROLLOUT_SECONDS,
    registers: [this.registry],
  });
  private readonly steps = new Histogram({
    name: 'cutover_step_duration_seconds',
    help: 'Time spent in one step (rollout kind and stage) before the next, by strategy.',
    labelNames: ['strategy', 'step_kind'] as const,
    buckets: ROLLOUT_SECONDS,
    registers: [this.registry],
  });
  private readonly reaction = new Histogram({
    name: 'cutover_reaction_seconds',
    help: 'A watch event that woke a deployment → the decision it led to, committed (Cutover\'s own overhead per step).',
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly rollbacks = new Counter({
    name: 'cutover_rollbacks_total',
    help: 'Rollbacks started, by cause (a failure code, or `command` for a person\'s rollback or abort).',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });
  private readonly commands = new Counter({
    name: 'cutover_commands_total',
    help: 'Commands the worker consumed, by verb and outcome (applied or rejected).',
    labelNames: ['verb', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly kubeRequests = new Counter({
    name: 'cutover_kube_requests_total',
    help: 'Kubernetes API requests by cluster, verb and HTTP status (0 = no answer).',
    labelNames: ['cluster', 'verb', 'code'] as const,
    registers: [this.registry],
  });
  private readonly kubeSeconds = new Histogram({
    name: 'cutover_kube_request_seconds',
    help: 'Kubernetes API request time by cluster and verb.',
    labelNames: ['cluster', 'verb'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly watchRestarts = new Counter({
    name: 'cutover_watch_restarts_total',
    help: 'Watches that broke and were restarted, by cluster.',
    labelNames: ['cluster'] as const,
    registers: [this.registry],
  });
  private readonly tickSeconds = new Histogram({
    name: 'cutover_tick_seconds',
    help: 'Time per tick stage (load, observe, commit, effects, publish, tick, queueWait, wake).',
    labelNames: ['stage'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly reconcilePassSeconds = new Histogram({
    name: 'cutover_reconcile_pass_seconds',
    help: 'One reconciler pass: list the active deployments from Postgres, register them, ask the queue which need a wake.',
    buckets: [...SECONDS, 60],
    registers: [this.registry],
  });
  private readonly reconcileSweepSeconds = new Histogram({
    name: 'cutover_reconcile_sweep_seconds',
    help: 'From a reconciler pass\'s start until the wakes it asked for were all sent (paced at WorkerOptions.wakeRate).',
    buckets: [...SECONDS, 60, 120, 300],
    registers: [this.registry],
  });
  private readonly reconcileActive = new Gauge({
    name: 'cutover_reconcile_active_deployments',
    help: 'Active deployments the last reconciler pass listed.',
    registers: [this.registry],
  });
  private readonly reconcileWoken = new Gauge({
    name: 'cutover_reconcile_woken_deployments',
    help: 'Deployments the last reconciler pass woke (no job, or a job due after the next pass).',
    registers: [this.registry],
  });
  private cacheCounts: (() => Record<string, number>) | null = null;
  private readonly watchCacheObjects = new Gauge({
    name: 'cutover_watch_cache_objects',
    help: 'Objects the watch caches hold (what ticks observe from), by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [kind, n] of Object.entries(this.cacheCounts?.() ?? {})) this.watchCacheObjects.set({ kind }, n);
    },
  });
  private readonly commits = new Counter({
    name: 'cutover_commits_total',
    help: 'Versions of deployments the ticks committed, by kind: decision (a step, a gate, an event, a command) or status (only the observed status; at most one per STATUS_COMMIT_INTERVAL).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly deferrals = new Counter({
    name: 'cutover_status_deferrals_total',
    help: 'Ticks whose status-only change waited for STATUS_COMMIT_INTERVAL (written by a later tick).',
    registers: [this.registry],
  });
  /** When a watch event last woke each deployment (cleared by the commit it led to). */
  private readonly wokenAt = new Map<string, number>();

  constructor(@Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig) {
    collectDefaultMetrics({ register: this.registry, prefix: 'cutover_worker_' });
  }

  stage(stage: string, ms: number): void {
    this.tickSeconds.observe({ stage }, ms / 1000);
  }

  kubeRequest(cluster: string, verb: string, code: number, seconds: number): void {
    this.kubeRequests.inc({ cluster, verb: verb.toLowerCase(), code: String(code) });
    this.kubeSeconds.observe({ cluster, verb: verb.toLowerCase() }, seconds);
  }

  /** Where the cache sizes come from (the cluster gateways; read when scraped). */
  watchCacheFrom(counts: () => Record<string, number>): void {
    this.cacheCounts = counts;
  }

  reconcilePass(seconds: number, active: number, woken: number): void {
    this.reconcilePassSeconds.observe(seconds);
    this.reconcileActive.set(active);
    this.reconcileWoken.set(woken);
  }

  reconcileSweep(seconds: number): void {
    this.reconcileSweepSeconds.observe(seconds);
  }

  watchRestarted(cluster: string): void {
    this.watchRestarts.inc({ cluster });
  }

  /** A watch event woke this deployment (the first since its last commit counts). */
  woken(deploymentId: string): void {
    // Wall-clock time: compared with the committed state's observedAt, which another worker may have written.
    if (!this.wokenAt.has(deploymentId)) this.wokenAt.set(deploymentId, Date.now());
    // Bounded: deployments that never commit again (ended elsewhere) must not pile up.
    if (this.wokenAt.size > 50_000) this.wokenAt.delete(this.wokenAt.keys().next().value as string);
  }

  /** A tick woken by a watch event wrote nothing (or deferred a status-only change): its reaction ends there. */
  settled(deploymentId: string, deferred = false): void {
    this.wokenAt.delete(deploymentId);
    if (deferred) this.deferrals.inc();
  }

  /**
   * A tick committed `decision` over `before`. Reaction counts decisions only: a status-only commit may be written up
   * to STATUS_COMMIT_INTERVAL after the event by design (ADR 0015), which is not overhead.
   */
  committed(tick: { id: string; createdAt: Date; state: DeploymentState; commands: readonly Command[] }, decision: Decision, kind: CommitKind = 'decision'): void {
    const { id: deploymentId, createdAt, state: before } = tick;
    const after = decision.state;
    const strategy = after.ctx.strategy.type;
    this.commits.inc({ kind: kind === 'status' ? 'status' : 'decision' });
    const woken = this.wokenAt.get(deploymentId);
    if (woken !== undefined) {
      // Every worker sees every watch event, but one of them ticks: a wake older than the state this tick started from
      // (its status was observed after the wake) was answered by an earlier tick, maybe another worker's, and is not
      // this commit's reaction.
      const answered = woken <= (before.status?.observedAt ?? Number.NEGATIVE_INFINITY);
      if (kind === 'decision' && !answered) this.reaction.observe((Date.now() - woken) / 1000);
      this.wokenAt.delete(deploymentId);
    }
    for (const outcome of decision.commands) {
      const verb = tick.commands.find((c) => c.id === outcome.id)?.type ?? 'unknown';
      this.commands.inc({ verb, outcome: outcome.status });
    }
    const kindBefore = stepKind(before);
    if (kindBefore !== stepKind(after) && before.phase !== 'Pending') {
      const since = before.rollout?.since ?? before.phaseSince;
      this.steps.observe({ strategy, step_kind: kindBefore }, Math.max(0, Date.now() - since) / 1000);
    }
    if (after.phase === 'RollingBack' && before.phase !== 'RollingBack') {
      this.rollbacks.inc({ cause: after.failure?.code ?? 'command' });
    }
    if (isTerminal(after.phase) && !isTerminal(before.phase)) {
      this.durations.observe({ strategy, outcome: after.phase }, Math.max(0, Date.now() - createdAt.getTime()) / 1000);
      this.wokenAt.delete(deploymentId);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const { metricsPort, metricsHost } = this.config;
    if (metricsPort === null) return;
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      // The liveness probe of a worker pod (deploy/kustomize): the process answers.
      if (req.method === 'GET' && path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics and /healthz here\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: unknown) => {
          this.logger.warn(`collecting metrics failed: ${String(error)}`);
          res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(metricsPort, metricsHost, () => resolve());
    });
    const address = this.server.address();
    this.logger.log(`metrics on http://${metricsHost}:${typeof address === 'object' && address ? address.port : metricsPort}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
