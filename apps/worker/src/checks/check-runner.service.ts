import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { CheckObservation, HttpCheck, RunCheckEffect } from '@cutover/domain';
import { DeploymentTickRepository } from '@cutover/persistence';
import { DeploymentQueue } from '@cutover/queue';

const FINISHED_MEMORY_MS = 10 * 60_000;

interface Running {
  observation: CheckObservation;
  stop: AbortController;
}

/** One probe: the status it answered with, or why there was no answer. */
async function probe(spec: HttpCheck, signal: AbortSignal): Promise<{ ok: boolean; message: string }> {
  const timeout = AbortSignal.timeout(spec.timeout * 1000);
  try {
    const res = await fetch(spec.url, { signal: AbortSignal.any([signal, timeout]), redirect: 'manual' });
    await res.body?.cancel();
    return { ok: res.status === spec.expectStatus, message: `GET ${spec.url} → ${res.status}` };
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${spec.timeout}s` : error instanceof Error ? error.message : String(error);
    return { ok: false, message: `GET ${spec.url} → ${reason}` };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Runs HTTP checks (a runCheck effect) in the worker: `count` probes `interval` seconds apart; more than
 * `failureLimit` failed probes fail it. The final result is stored with its effect row (so it survives a worker
 * restart) and wakes the deployment; progress meanwhile is read by the next tick from memory.
 */
@Injectable()
export class CheckRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(CheckRunner.name);
  private readonly running = new Map<string, Running>();
  /**
   * Checks this process finished recently: a tick that loaded the effect as pending just before the result was
   * recorded must not start it again.
   */
  private readonly finished = new Map<string, number>();

  constructor(
    @Inject(DeploymentTickRepository) private readonly repo: DeploymentTickRepository,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
  ) {}

  /** Starts the check unless this process already runs it (idempotent per deployment + checkId). */
  start(deploymentId: string, effectId: string, effect: RunCheckEffect): void {
    const key = `${deploymentId}/${effect.checkId}`;
    if (this.running.has(key) || this.finished.has(key)) return;
    const run: Running = {
      observation: { checkId: effect.checkId, status: 'Running', successes: 0, failures: 0, message: null },
      stop: new AbortController(),
    };
    this.running.set(key, run);
    void this.execute(deploymentId, effectId, effect, run).then(
      (recorded) => {
        if (recorded) this.rememberFinished(key);
        this.running.delete(key);
      },
      () => this.running.delete(key),
    );
  }

  /** Progress of the checks this process runs for the deployment. */
  progress(deploymentId: string): Record<string, CheckObservation> {
    const out: Record<string, CheckObservation> = {};
    for (const [key, run] of this.running) if (key.startsWith(`${deploymentId}/`)) out[run.observation.checkId] = { ...run.observation };
    return out;
  }

  private rememberFinished(key: string): void {
    const now = Date.now();
    this.finished.set(key, now);
    for (const [k, at] of this.finished) {
      if (now - at < FINISHED_MEMORY_MS) break;
      this.finished.delete(k);
    }
  }

  /** Resolves true when the result was recorded. */
  private async execute(deploymentId: string, effectId: string, effect: RunCheckEffect, run: Running): Promise<boolean> {
    const { spec } = effect;
    const o = run.observation;
    for (let i = 0; i < spec.count && !run.stop.signal.aborted; i++) {
      if (i > 0) await sleep(spec.interval * 1000, run.stop.signal);
      if (run.stop.signal.aborted) return false;
      const result = await probe(spec, run.stop.signal);
      o.message = result.message;
      if (result.ok) o.successes += 1;
      else o.failures += 1;
      if (o.failures > spec.failureLimit) break;
    }
    if (run.stop.signal.aborted) return false;
    o.status = o.failures > spec.failureLimit ? 'Failed' : 'Passed';
    try {
      await this.repo.recordCheckResult(effectId, effect, { ...o });
    } catch (error) {
      // The effect stays pending: the next tick starts the check again.
      this.logger.warn(`could not record check ${effect.checkId} of ${deploymentId}: ${String(error)}`);
      return false;
    }
    await this.queue.wake(deploymentId).catch((error: unknown) => this.logger.warn(`wake after check of ${deploymentId} failed: ${String(error)}`));
    return true;
  }

  onApplicationShutdown(): void {
    for (const run of this.running.values()) run.stop.abort();
  }
}
