import { Inject, Injectable, Logger } from '@nestjs/common';
import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { awaitsFinalObservation, canonicalJson, commitKind, decide, decideClusterTrouble, finalStatus, isTerminal, planCommit, type ClusterTrouble, type CommitKind, type Decision, type DeploymentState, type Observation } from '@cutover/domain';
import { classifyClusterError, newMeter, type AppTarget } from '@cutover/k8s';
import { DeploymentTickRepository, type TickInput } from '@cutover/persistence';
import { DeploymentQueue, publishEventsCommitted, WaveRunQueue } from '@cutover/queue';
import { ClusterGateways } from '../clusters/cluster-gateways.service';
import { CheckRunner } from '../checks/check-runner.service';
import { EffectsRunner } from '../effects/effects-runner.service';
import { WakeRouter, type ActiveTarget } from '../watches/wake-router.service';
import { TickTimings } from './tick-timings';
import { nextWake, type TickEnd } from './wake.policy';
import { WorkerMetrics } from '../metrics/worker-metrics.service';

export type TickOutcome =
  | { status: 'missing' }
  | { status: 'idle' }
  | { status: 'stale' }
  | { status: 'unchanged'; wakeAt: number | null; requests: number }
  /** Only the observed status changed and the committed one is recent: written by the tick at `wakeAt` at the latest. */
  | { status: 'deferred'; wakeAt: number; requests: number }
  | { status: 'committed'; version: number; phase: string; wakeAt: number | null; requests: number; effects: number };

const MAX_STATS = 10_000;

/** Per deployment: ticks run and Kubernetes requests made (the bench's "requests per step"). */
export interface TickStats {
  ticks: number;
  commits: number;
  /** Commits whose only change was the observed status (docs/adr/0015). */
  statusCommits: number;
  /** Ticks whose status-only change waited for the interval. */
  deferred: number;
  requests: number;
}

/** BlueGreen's fit check needs the cluster's free capacity, once, before anything starts. */
function needsCapacity(state: DeploymentState): boolean {
  return state.phase === 'Pending' && state.ctx.strategy.type === 'BlueGreen';
}

/** The state minus when it was observed: a tick that saw the same world must not write (nor wake itself again). */
function comparable(state: DeploymentState): string {
  const { status, ...rest } = state as DeploymentState & { status?: { observedAt?: number } | null };
  return canonicalJson({ ...rest, status: status ? { ...status, observedAt: 0 } : null });
}

/** What the wake-up policy needs to know of a tick's decision. */
function ended(decision: Decision, alreadyTrue: number): TickEnd {
  return { terminal: isTerminal(decision.state.phase), machineWakeAt: decision.wakeAt, alreadyTrue };
}

function nothingChanged(before: DeploymentState, decision: Decision): boolean {
  return commitKind(before, decision) === 'nothing';
}

function earliest(a: number | null, b: number): number {
  return a === null ? b : Math.min(a, b);
}

/**
 * One tick (ARCHITECTURE.md): load → finish unfinished effects → observe → decide (pure) → commit WHERE version = v
 * → run the effects → publish the events. The caller schedules the returned wake-up.
 */
@Injectable()
export class DeploymentTickService {
  private readonly logger = new Logger(DeploymentTickService.name);
  readonly stats = new Map<string, TickStats>();
  readonly timings = new TickTimings();

  constructor(
    @Inject(DeploymentTickRepository) private readonly repo: DeploymentTickRepository,
    @Inject(ClusterGateways) private readonly gateways: ClusterGateways,
    @Inject(EffectsRunner) private readonly effects: EffectsRunner,
    @Inject(CheckRunner) private readonly checks: CheckRunner,
    @Inject(WakeRouter) private readonly router: WakeRouter,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
    @Inject(WaveRunQueue) private readonly waveRuns: WaveRunQueue,
  ) {
    this.timings.observer = (stage, ms) => metrics.stage(stage, ms);
  }

  async tick(deploymentId: string): Promise<TickOutcome> {
    const input = await this.timings.time('load', () => this.repo.load(deploymentId));
    if (!input) return { status: 'missing' };
    const active: ActiveTarget = { id: input.id, ...input.target };
    if (isTerminal(input.state.phase) && input.commands.length === 0 && input.unfinished.length === 0 && !awaitsFinalObservation(input.state)) {
      this.router.unregister(active);
      return { status: 'idle' };
    }
    this.router.register(active);
    const stats = this.statsOf(deploymentId);
    stats.ticks += 1;
    const meter = newMeter();
    try {
      return await this.run(input, meter, active);
    } finally {
      stats.requests += meter.requests;
    }
  }

  private async run(input: TickInput, meter: ReturnType<typeof newMeter>, active: ActiveTarget): Promise<TickOutcome> {
    const target: AppTarget & { clusterId: string } = input.target;
    const gateway = await this.gateways.get(input.target.clusterId);
    const scope = { deploymentId: input.id, release: input.state.ctx.release, releases: input.releases, target, gateway, meter };
    let observation: Observation;
    try {
      await gateway.ensureNamespace(target.namespace, meter);
      if (input.unfinished.length > 0) await this.timings.time('unfinishedEffects', () => this.effects.run(scope, input.unfinished));
      observation = await this.timings.time('observe', () => gateway.observe(target, { capacity: needsCapacity(input.state), meter }));
    } catch (error) {
      // Unreachable, TLS, 401/403, an API missing: surfaced on the deployment, which fails or pauses in time.
      // Anything else (a 500 or 429 of a busy API server, a conflict) is thrown and retried with back-off.
      const trouble = classifyClusterError(error, gateway.client.server.origin);
      if (!trouble) throw error;
      return this.troubled(input, trouble, meter);
    }
    if (awaitsFinalObservation(input.state) && input.commands.length === 0) return this.observeEnded(input, observation, meter, active);
    observation.checks = { ...input.checkResults, ...this.checks.progress(input.id) };
    observation.analyses = input.analysisResults;
    const now = Date.now();
    const decision = decide(input.state, observation, input.commands, now, undefined, input.approvals);
    // Status-only changes (pods turning ready) are written at most once per interval; decisions at once (ADR 0015).
    const plan = planCommit(input.state, decision, now, this.config.statusCommitIntervalMs);
    if (!plan.write) {
      // The watch event that woke this tick led to no write: the reaction clock starts again with the next one.
      this.metrics.settled(input.id, plan.deferUntil !== null);
      const machineWake = nextWake(ended(decision, 0), now);
      if (plan.deferUntil === null) return { status: 'unchanged', wakeAt: machineWake, requests: meter.requests };
      this.statsOf(input.id).deferred += 1;
      // The wake-up that commits the latest status by the deadline, even if no watch event comes before it.
      return { status: 'deferred', wakeAt: earliest(machineWake, plan.deferUntil), requests: meter.requests };
    }

    const result = await this.timings.time('commit', () => this.repo.commit(input.id, input.version, decision, new Date(), isTerminal(input.state.phase)));
    if (!result.committed) return { status: 'stale' };
    this.counted(input.id, plan.kind);
    this.metrics.committed(input, decision, plan.kind);
    await this.wakeWaveRun(input, decision);
    if (result.events.length > 0) {
      // Right after the commit, before the effects (which may take a while). A nudge, not the events: api replicas
      // read them from Postgres in commit order (docs/adr/0007).
      const position = result.events[result.events.length - 1]!.position;
      await this.timings.time('publish', () =>
        publishEventsCommitted(this.queue.redis, this.queue.queuePrefix, { deploymentIds: [input.id], position }).catch((error: unknown) =>
          this.logger.warn(`publishing the events of ${input.id} failed: ${String(error)}`),
        ),
      );
    }
    const alreadyTrue = await this.timings.time('effects', () => this.effects.run(scope, result.effects));
    // An ended deployment looks once more after its last effects (and until the cluster carried them out), so its
    // status shows what serves; the watch events of those effects wake it, the short wake-up is the fallback.
    const terminal = isTerminal(decision.state.phase);
    const observeAgain = terminal && awaitsFinalObservation(decision.state);
    if (terminal && !observeAgain) this.router.unregister(active);
    const wakeAt = nextWake({ ...ended(decision, alreadyTrue), observeAgain }, Date.now());
    return { status: 'committed', version: result.version, phase: decision.state.phase, wakeAt, requests: meter.requests, effects: result.effects.length };
  }

  /** An ended deployment, after its last effects: record what the cluster shows now (the status only). */
  private async observeEnded(input: TickInput, observation: Observation, meter: ReturnType<typeof newMeter>, active: ActiveTarget): Promise<TickOutcome> {
    // A deployment started since owns the objects now: what they show is its status, not this one's. Keep the last.
    const next = (await this.repo.anotherActive(input.target.environmentId, input.id))
      ? { ...input.state, status: input.state.status ? { ...input.state.status, final: true } : null }
      : finalStatus(input.state, observation, Date.now());
    const final = !awaitsFinalObservation(next);
    if (final) this.router.unregister(active);
    const wakeAt = nextWake({ terminal: true, machineWakeAt: null, alreadyTrue: 0, observeAgain: !final }, Date.now());
    if (comparable(input.state) === comparable(next)) return { status: 'unchanged', wakeAt, requests: meter.requests };
    if (!(await this.timings.time('commit', () => this.repo.recordStatus(input.id, input.version, next)))) return { status: 'stale' };
    return { status: 'committed', version: input.version + 1, phase: next.phase, wakeAt, requests: meter.requests, effects: 0 };
  }

  /** The cluster could not be reached: record it (and, in time, fail or pause) with the engine's pure rule. */
  private async troubled(input: TickInput, trouble: ClusterTrouble, meter: ReturnType<typeof newMeter>): Promise<TickOutcome> {
    // New credentials may be what fixes it: the next tick then uses them.
    await this.gateways.reopenIfChanged(input.target.clusterId);
    const touched = await this.repo.touchedCluster(input.id);
    const decision = decideClusterTrouble(input.state, trouble, { touched, timeoutMs: this.config.clusterUnreachableTimeoutMs }, input.commands, Date.now());
    if (nothingChanged(input.state, decision)) return { status: 'unchanged', wakeAt: nextWake(ended(decision, 0), Date.now()), requests: meter.requests };
    const result = await this.timings.time('commit', () => this.repo.commit(input.id, input.version, decision, new Date(), isTerminal(input.state.phase)));
    if (!result.committed) return { status: 'stale' };
    this.counted(input.id, commitKind(input.state, decision));
    if (decision.events.some((e) => e.type === 'ClusterUnreachable')) this.logger.warn(`deployment ${input.id}: ${trouble.reason}`);
    await this.wakeWaveRun(input, decision);
    if (result.events.length > 0) {
      const position = result.events[result.events.length - 1]!.position;
      await publishEventsCommitted(this.queue.redis, this.queue.queuePrefix, { deploymentIds: [input.id], position }).catch((error: unknown) =>
        this.logger.warn(`publishing the events of ${input.id} failed: ${String(error)}`),
      );
    }
    return { status: 'committed', version: result.version, phase: decision.state.phase, wakeAt: nextWake(ended(decision, 0), Date.now()), requests: meter.requests, effects: 0 };
  }

  private counted(id: string, kind: CommitKind): void {
    const stats = this.statsOf(id);
    stats.commits += 1;
    if (kind === 'status') stats.statusCommits += 1;
  }

  /** A deployment of a wave run that changed phase wakes its run (no polling: the run reads the phases it is woken for). */
  private async wakeWaveRun(input: TickInput, decision: Decision): Promise<void> {
    if (input.waveRunId === null || decision.state.phase === input.state.phase) return;
    await this.waveRuns.wake(input.waveRunId).catch((error: unknown) => this.logger.warn(`waking wave run ${input.waveRunId} failed: ${String(error)}`));
  }

  private statsOf(id: string): TickStats {
    let s = this.stats.get(id);
    if (!s) {
      // Bounded: the oldest deployments' figures go first (a Map iterates in insertion order).
      if (this.stats.size >= MAX_STATS) this.stats.delete(this.stats.keys().next().value as string);
      s = { ticks: 0, commits: 0, statusCommits: 0, deferred: 0, requests: 0 };
      this.stats.set(id, s);
    }
    return s;
  }
}
