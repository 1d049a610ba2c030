import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { LABELS } from '@cutover/domain';
import type { KubeObject } from '@cutover/k8s';
import { DeploymentQueue } from '@cutover/queue';
import { TickTimings } from '../ticks/tick-timings';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';
import { WorkerMetrics } from '../metrics/worker-metrics.service';

export interface ActiveTarget {
  id: string;
  clusterId: string;
  namespace: string;
  app: string;
  environment: string;
}

/** Wakes per second when many deployments are woken at once (a worker start, a relist): about what ticks can absorb. */
export const DEFAULT_WAKE_RATE = 200;

const nsKey = (clusterId: string, namespace: string) => `${clusterId}/${namespace}`;
const appKey = (app: string, environment: string) => `${app}/${environment}`;

/**
 * Turns watch events into wake-ups: an event on an object labelled cutover.dev/environment=<env> wakes that
 * environment's active deployment. The map is filled by ticks and by the reconciler (which lists every active
 * deployment), so a worker wakes deployments another worker ticked too. Bursts are collapsed per deployment.
 *
 * Mass wake-ups (a worker that starts, a watch that relisted after a gap or a 410: events may have been missed, so
 * every deployment it covers must look again) go through a paced queue, so 10,000 deployments do not stampede
 * Redis, Postgres and the API servers at once.
 */
@Injectable()
export class WakeRouter implements OnModuleDestroy {
  private readonly logger = new Logger(WakeRouter.name);
  /** cluster/namespace → app/environment → deployment id. */
  private readonly active = new Map<string, Map<string, string>>();
  private readonly pending = new Set<string>();
  /** Deployments waiting for a paced wake (insertion order = wake order). */
  private readonly paced = new Set<string>();
  private pacer: NodeJS.Timeout | null = null;
  private drainWaiters: Array<() => void> = [];
  private stopped = false;
  /** 'wake': from the first watch event of a burst to its job being in the queue (debounce included). */
  readonly timings = new TickTimings();

  constructor(
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    // Optional: a router built by hand (tests) counts nothing.
    @Optional() @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics | null = null,
  ) {
    if (metrics) this.timings.observer = (stage, ms) => metrics.stage(stage, ms);
  }

  register(t: ActiveTarget): void {
    const k = nsKey(t.clusterId, t.namespace);
    let apps = this.active.get(k);
    if (!apps) {
      apps = new Map();
      this.active.set(k, apps);
    }
    apps.set(appKey(t.app, t.environment), t.id);
  }

  unregister(t: ActiveTarget): void {
    const k = nsKey(t.clusterId, t.namespace);
    const apps = this.active.get(k);
    const key = appKey(t.app, t.environment);
    if (apps?.get(key) !== t.id) return;
    apps.delete(key);
    if (apps.size === 0) this.active.delete(k);
  }

  objectChanged(clusterId: string, namespace: string, obj: KubeObject): void {
    const labels = obj.metadata.labels ?? {};
    const app = labels[LABELS.name];
    const env = labels[LABELS.environment];
    if (!app || !env) return;
    const id = this.active.get(nsKey(clusterId, namespace))?.get(appKey(app, env));
    if (id) {
      this.metrics?.woken(id);
      this.wakeSoon(id);
    }
  }

  /** A watch of this namespace listed afresh: whatever happened while it was not watching produced no event. */
  namespaceRelisted(clusterId: string, namespace: string): void {
    const apps = this.active.get(nsKey(clusterId, namespace));
    if (apps) this.wakeAll([...apps.values()]);
  }

  wakeSoon(deploymentId: string): void {
    if (this.pending.has(deploymentId)) return;
    this.pending.add(deploymentId);
    const t0 = performance.now();
    const timer = setTimeout(() => {
      this.pending.delete(deploymentId);
      this.queue
        .wake(deploymentId)
        .then(() => this.timings.record('wake', performance.now() - t0))
        .catch((error: unknown) => this.logger.warn(`wake of ${deploymentId} failed: ${String(error)}`));
    }, this.options.wakeDebounceMs ?? 15);
    timer.unref();
  }

  /**
   * Wake each of these now (a delayed job is pulled forward), paced at `wakeRate` per second. A deployment already
   * waiting for its paced wake is not queued twice.
   */
  wakeAll(deploymentIds: Iterable<string>): void {
    for (const id of deploymentIds) this.paced.add(id);
    this.schedulePacer(0);
  }

  /** Resolves once every paced wake asked for so far has been sent (at once when none waits). */
  drained(): Promise<void> {
    if (this.paced.size === 0 && !this.pacer) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Paced wakes not sent yet (tests, metrics). */
  get backlog(): number {
    return this.paced.size;
  }

  private schedulePacer(delayMs: number): void {
    if (!this.pacer && this.paced.size === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this.pacer || this.stopped || this.paced.size === 0) return;
    this.pacer = setTimeout(() => {
      this.pacer = null;
      void this.drain();
    }, delayMs);
    this.pacer.unref();
  }

  /** One slice of the backlog: a tenth of a second's worth, sent together, then the next slice 100 ms later. */
  private async drain(): Promise<void> {
    const perSlice = Math.max(1, Math.round((this.options.wakeRate ?? DEFAULT_WAKE_RATE) / 10));
    const slice: string[] = [];
    for (const id of this.paced) {
      slice.push(id);
      this.paced.delete(id);
      if (slice.length >= perSlice) break;
    }
    const t0 = performance.now();
    await Promise.all(
      slice.map((id) =>
        this.queue.wake(id).catch((error: unknown) => {
          this.logger.warn(`wake of ${id} failed: ${String(error)}`);
        }),
      ),
    );
    this.schedulePacer(Math.max(0, 100 - (performance.now() - t0)));
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.pacer) clearTimeout(this.pacer);
    this.pacer = null;
  }
}
