import { Inject, Injectable, Logger } from '@nestjs/common';
import { LABELS } from '@cutover/domain';
import type { KubeObject } from '@cutover/k8s';
import { DeploymentQueue } from '@cutover/queue';
import { TickTimings } from '../ticks/tick-timings';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';

export interface ActiveTarget {
  id: string;
  clusterId: string;
  namespace: string;
  app: string;
  environment: string;
}

const keyOf = (clusterId: string, namespace: string, app: string, environment: string) => `${clusterId}/${namespace}/${app}/${environment}`;

/**
 * Turns watch events into wake-ups: an event on an object labelled cutover.dev/environment=<env> wakes that
 * environment's active deployment. The map is filled by ticks and by the reconciler (which lists every active
 * deployment), so a worker wakes deployments another worker ticked too. Bursts are collapsed per deployment.
 */
@Injectable()
export class WakeRouter {
  private readonly logger = new Logger(WakeRouter.name);
  private readonly active = new Map<string, string>();
  private readonly pending = new Set<string>();
  /** 'wake': from the first watch event of a burst to its job being in the queue (debounce included). */
  readonly timings = new TickTimings();

  constructor(
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
  ) {}

  register(t: ActiveTarget): void {
    this.active.set(keyOf(t.clusterId, t.namespace, t.app, t.environment), t.id);
  }

  unregister(t: ActiveTarget): void {
    const key = keyOf(t.clusterId, t.namespace, t.app, t.environment);
    if (this.active.get(key) === t.id) this.active.delete(key);
  }

  objectChanged(clusterId: string, namespace: string, obj: KubeObject): void {
    const labels = obj.metadata.labels ?? {};
    const app = labels[LABELS.name];
    const env = labels[LABELS.environment];
    if (!app || !env) return;
    const id = this.active.get(keyOf(clusterId, namespace, app, env));
    if (id) this.wakeSoon(id);
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
}
