import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DeploymentTickRepository } from '@cutover/persistence';
import { DeploymentQueue } from '@cutover/queue';
import { ClusterGateways } from '../clusters/cluster-gateways.service';
import { WakeRouter } from '../watches/wake-router.service';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';

/**
 * The safety net (not a polling loop over the cluster): every period it lists the active deployments from Postgres,
 * makes sure their namespaces are watched, and enqueues each one that has no job. So a flushed or restarted Redis,
 * a lost wake-up or a dead worker never leaves a deployment stuck.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Reconciler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(DeploymentTickRepository) private readonly repo: DeploymentTickRepository,
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(ClusterGateways) private readonly gateways: ClusterGateways,
    @Inject(WakeRouter) private readonly router: WakeRouter,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
  ) {}

  onApplicationBootstrap(): void {
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  /** One pass; returns how many deployments it enqueued. Overlapping calls share one pass. */
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
    const active = await this.repo.listActive(this.options.clusterIds);
    let enqueued = 0;
    for (const d of active) {
      this.router.register(d);
      this.gateways
        .get(d.clusterId)
        .then((g) => g.watchNamespace(d.namespace))
        .catch((error: unknown) => this.logger.warn(`cannot watch ${d.namespace} on cluster ${d.clusterId}: ${String(error)}`));
      if (await this.queue.hasJob(d.id)) continue;
      await this.queue.wake(d.id);
      enqueued += 1;
    }
    return enqueued;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
