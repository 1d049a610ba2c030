import { CUTOVER_CONFIG, type WorkerConfig } from '@cutover/config';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { clusterCredentialsAad, DeploymentTickRepository, SecretBox } from '@cutover/persistence';
import { KubeClient, KubeGateway, kubeConfigFromCredentials, type ClusterCredentials } from '@cutover/k8s';
import { WakeRouter } from '../watches/wake-router.service';
import { WorkerMetrics } from '../metrics/worker-metrics.service';
import { WORKER_OPTIONS, type WorkerOptions } from '../worker.options';

/** Must match how the api seals credentials (ClustersService): the box is bound to its cluster row. */

/** One KubeGateway (client, rate limit, watches) per cluster, opened from the sealed credentials on first use. */
@Injectable()
export class ClusterGateways implements OnApplicationShutdown {
  private readonly logger = new Logger(ClusterGateways.name);
  private readonly gateways = new Map<string, Promise<KubeGateway>>();
  /** When each open gateway's cluster row was last changed: new credentials (PATCH /v1/clusters/:name) reopen it. */
  private readonly opened = new Map<string, number>();
  /** The gateways that opened (the metrics read their cache sizes synchronously). */
  private readonly ready = new Map<string, KubeGateway>();

  constructor(
    @Inject(DeploymentTickRepository) private readonly repo: DeploymentTickRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(WakeRouter) private readonly router: WakeRouter,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    @Inject(CUTOVER_CONFIG) private readonly config: WorkerConfig,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {
    metrics.watchCacheFrom(() => this.cachedObjects());
  }

  /** Objects held by every cluster's watch caches, per kind. */
  cachedObjects(): Record<string, number> {
    const total: Record<string, number> = {};
    for (const g of this.ready.values()) for (const [k, n] of Object.entries(g.cachedObjects())) total[k] = (total[k] ?? 0) + n;
    return total;
  }

  get(clusterId: string): Promise<KubeGateway> {
    let gateway = this.gateways.get(clusterId);
    if (!gateway) {
      gateway = this.open(clusterId);
      this.gateways.set(clusterId, gateway);
      // A failed open (cluster row gone, bad credentials) is retried on the next use.
      gateway.then(
        (g) => this.ready.set(clusterId, g),
        () => this.gateways.delete(clusterId),
      );
    }
    return gateway;
  }

  /**
   * After a cluster error: if the cluster's row changed since its gateway was opened (credentials replaced), close it
   * so the next tick opens one with the new credentials. One small read, on the error path only.
   */
  async reopenIfChanged(clusterId: string): Promise<boolean> {
    const opened = this.opened.get(clusterId);
    if (opened === undefined) return false;
    const updatedAt = await this.repo.clusterUpdatedAt(clusterId);
    if (updatedAt !== null && updatedAt.getTime() === opened) return false;
    const gateway = this.gateways.get(clusterId);
    this.gateways.delete(clusterId);
    this.opened.delete(clusterId);
    this.ready.delete(clusterId);
    (await gateway?.catch(() => null))?.close();
    this.logger.log(`cluster ${clusterId} changed: its connection and watches are reopened with the new credentials`);
    return true;
  }

  private async open(clusterId: string): Promise<KubeGateway> {
    const row = await this.repo.clusterCredentials(clusterId);
    if (!row) throw new Error(`cluster ${clusterId} does not exist`);
    this.opened.set(clusterId, row.updatedAt.getTime());
    const credentials = this.box.openJson<ClusterCredentials>(row.credentials, clusterCredentialsAad(clusterId));
    const client = new KubeClient(kubeConfigFromCredentials(credentials), this.options.rateLimit ?? this.config.kubeRateLimit);
    client.observer = (method, code, seconds) => this.metrics.kubeRequest(row.name, method, code, seconds);
    return new KubeGateway(clusterId, client, (namespace) => ({
      ...this.options.watch,
      onChange: (_kind, obj) => this.router.objectChanged(clusterId, namespace, obj),
      onRelist: () => this.router.namespaceRelisted(clusterId, namespace),
      onError: (kind, error) => {
        this.metrics.watchRestarted(row.name);
        this.logger.warn(`watch of ${kind} in ${row.name}/${namespace} broke: ${String(error)}; restarting`);
      },
    }));
  }

  /** Milliseconds requests waited for the clusters' rate limits, summed (bench). */
  async rateLimitWaitMs(): Promise<number> {
    let total = 0;
    for (const g of this.gateways.values()) total += (await g.catch(() => null))?.client.bucket.waitedMs ?? 0;
    return total;
  }

  /** Requests sent to every cluster so far (bench). */
  async totalRequests(): Promise<number> {
    let total = 0;
    for (const g of this.gateways.values()) total += (await g.catch(() => null))?.client.total ?? 0;
    return total;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const g of this.gateways.values()) (await g.catch(() => null))?.close();
    this.gateways.clear();
    this.ready.clear();
  }
}
