import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  canonicalJson,
  decideWaveRun,
  isWaveRunTerminal,
  recordStarted,
  type WaveRunDecision,
  type WaveRunEffect,
  type WaveRunObservation,
  type WaveRunState,
} from '@cutover/domain';
import { AuditRepository, DeploymentRepository, digestInput, ReleaseRepository, TransactionRunner, type Tx, type WaveRunRecord, WaveRunRepository } from '@cutover/persistence';
import { DeploymentQueue, publishEventsCommitted } from '@cutover/queue';
import { WaveStarter } from './wave-starter.service';

export type WaveTickOutcome =
  | { status: 'missing' }
  | { status: 'idle' }
  | { status: 'stale' }
  | { status: 'unchanged'; wakeAt: number | null }
  | { status: 'committed'; phase: string; wakeAt: number | null; started: string[] };

/** Environments decided Starting (now or by an earlier commit that could not start them), by wave. */
function starting(state: WaveRunState): Array<{ wave: number; environments: string[] }> {
  return state.waves
    .map((w, wave) => ({ wave, environments: w.environments.filter((e) => e.phase === 'Starting' && e.deploymentId === null).map((e) => e.environment) }))
    .filter((x) => x.environments.length > 0);
}

function unchanged(before: WaveRunState, d: WaveRunDecision): boolean {
  return d.effects.length === 0 && d.events.length === 0 && canonicalJson(before) === canonicalJson(d.state) && starting(d.state).length === 0;
}

/**
 * One tick of a wave run (docs/adr/0013): load the run and its deployments' phases (Postgres only) → decideWaveRun
 * (pure) → in one transaction: lock the run at its version, create the deployments of the environments that start
 * (WaveStarter), write abort/rollback commands its effects ask for, store the next state → enqueue the new
 * deployments in bulk. The caller schedules the returned wake-up (a bake's end).
 */
@Injectable()
export class WaveRunTickService {
  private readonly logger = new Logger(WaveRunTickService.name);

  constructor(
    @Inject(TransactionRunner) private readonly tx: TransactionRunner,
    @Inject(WaveRunRepository) private readonly runs: WaveRunRepository,
    @Inject(DeploymentRepository) private readonly deployments: DeploymentRepository,
    @Inject(ReleaseRepository) private readonly releases: ReleaseRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(WaveStarter) private readonly starter: WaveStarter,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
  ) {}

  async tick(waveRunId: string): Promise<WaveTickOutcome> {
    const run = await this.runs.findById(waveRunId);
    if (!run) return { status: 'missing' };
    if (isWaveRunTerminal(run.state.phase) && starting(run.state).length === 0) return { status: 'idle' };
    const obs: WaveRunObservation = { deployments: {}, analysis: null };
    for (const d of await this.runs.deploymentsOf(run.id)) obs.deployments[d.id] = { phase: d.phase, reason: d.failureReason };
    const now = Date.now();
    const decision = decideWaveRun(run.state, obs, now);
    if (unchanged(run.state, decision)) return { status: 'unchanged', wakeAt: decision.wakeAt };

    const release = await this.releases.findByVersion(run.applicationId, run.release);
    const committed = await this.tx.run(async (tx) => {
      if (!(await this.runs.lockAtVersion(tx, run.id, run.version))) return null;
      let state = decision.state;
      const started: string[] = [];
      for (const { wave, environments } of starting(state)) {
        const w = state.waves[wave]!;
        const results = release
          ? await this.starter.start(tx, { run, wave, waveName: w.name, strategy: w.strategy, release, now }, environments)
          : environments.map((environment) => ({ environment, deploymentId: null, phase: 'Refused' as const, reason: `release ${run.release} no longer exists` }));
        state = recordStarted(state, wave, results, now).state;
        for (const r of results) if (r.deploymentId) started.push(r.deploymentId);
      }
      const effects = await this.runEffects(tx, run, decision.effects, now);
      started.push(...effects.started);
      const woken = effects.woken;
      await this.runs.saveState(tx, run.id, state);
      const anchors = await this.runs.appendStreamedEvents(tx, run.id, state, decision.events);
      if (isWaveRunTerminal(state.phase) && !isWaveRunTerminal(run.state.phase)) {
        await this.audit.append(tx, {
          actorTokenId: null,
          actorName: 'system',
          action: `wave-run.${state.phase === 'Succeeded' ? 'succeed' : 'fail'}`,
          resourceType: 'wave-run',
          resourceId: run.id,
          names: { app: run.app, version: run.release },
          interface: 'system',
          inputDigest: digestInput({ failures: state.failures }),
          outcome: 'success',
          reason: state.stopping?.reason ?? null,
        });
      }
      return { state, started, woken, anchors };
    });
    if (!committed) return { status: 'stale' };
    // All of a wave's deployments at once: one bulk add (the gate → next wave latency budget, docs/waves.md).
    await this.queue.wakeNew(committed.started).catch((error: unknown) => this.logger.warn(`waking the deployments of wave run ${run.id} failed: ${String(error)}`));
    for (const id of committed.woken) await this.queue.wake(id).catch((error: unknown) => this.logger.warn(`waking ${id} failed: ${String(error)}`));
    if (committed.anchors.length > 0) {
      await publishEventsCommitted(this.queue.redis, this.queue.queuePrefix, { deploymentIds: committed.anchors, position: null }).catch((error: unknown) =>
        this.logger.warn(`publishing the events of wave run ${run.id} failed: ${String(error)}`),
      );
    }
    const wakeAt = isWaveRunTerminal(committed.state.phase) ? null : decideWaveRun(committed.state, obs, now).wakeAt;
    return { status: 'committed', phase: committed.state.phase, wakeAt, started: committed.started };
  }

  /**
   * What the run's effects ask of its deployments: an abort or rollback command row for one still in flight (its next
   * tick consumes it), a rollback deployment for one that succeeded (newest wave first, as the effect lists them).
   * Answers the deployments to wake: existing ones (`woken`) and new ones (`started`).
   */
  private async runEffects(tx: Tx, run: WaveRunRecord, effects: readonly WaveRunEffect[], now: number): Promise<{ woken: string[]; started: string[] }> {
    const woken: string[] = [];
    const started: string[] = [];
    for (const effect of effects) {
      switch (effect.kind) {
        case 'startDeployments':
        case 'runGateAnalysis':
          // Starts happen from the state (above); gate analyses are refused by the api until they are measured.
          break;
        case 'abortDeployments':
        case 'rollbackDeployments':
          for (const id of effect.deploymentIds) {
            const type = effect.kind === 'abortDeployments' ? 'abort' : 'rollback';
            const d = await this.deployments.lockForUpdate(tx, id);
            if (!d) continue;
            if (type === 'rollback' && d.phase === 'Succeeded') {
              const r = await this.starter.rollbackSucceeded(tx, run, id, effect.reason, now);
              if ('id' in r) started.push(r.id);
              else this.logger.warn(`wave run ${run.id}: not rolling back ${id}: ${r.skipped}`);
              continue;
            }
            if (!['Pending', 'Progressing', 'Paused'].includes(d.phase)) continue;
            await this.deployments.insertCommand(tx, { deploymentId: id, type, payload: {}, actor: 'system', actorTokenId: null, reason: `${effect.reason} (wave run ${run.id})` });
            woken.push(id);
          }
          break;
      }
    }
    return { woken, started };
  }
}
