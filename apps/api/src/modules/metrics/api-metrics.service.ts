import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DeploymentRepository } from '@cutover/persistence';
import { DeploymentQueue } from '@cutover/queue';

/** Seconds buckets for API answers: most are milliseconds, a cluster check takes seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'] as const;

/**
 * The api's Prometheus metrics (docs/operations.md, "Metrics"): HTTP answers by route template (never a raw path:
 * the series count stays bounded however many deployments exist), commands by verb and outcome, and, read when
 * scraped, deployments by phase and strategy and the deployment queue's jobs by state. Node's process metrics too.
 */
@Injectable()
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly http = new Histogram({
    name: 'cutover_http_request_seconds',
    help: 'API answers by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly commands = new Counter({
    name: 'cutover_commands_total',
    help: 'Deployment commands asked for, by verb and outcome (accepted = written for the worker; refused = 4xx).',
    labelNames: ['verb', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(
    @Inject(DeploymentRepository) deployments: DeploymentRepository,
    @Inject(DeploymentQueue) queue: DeploymentQueue,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'cutover_api_' });
    new Gauge({
      name: 'cutover_deployments',
      help: 'Deployments by phase and strategy (read from Postgres when scraped).',
      labelNames: ['phase', 'strategy'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await deployments.countByPhaseAndStrategy()) this.set({ phase: row.phase, strategy: row.strategy }, row.count);
      },
    });
    new Gauge({
      name: 'cutover_queue_jobs',
      help: 'Deployment queue jobs by state (read from Redis when scraped).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await queue.queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
  }

  /** One answer; `route` is the route's template (`/v1/deployments/:id`), or `unmatched`. */
  observeHttp(route: string, method: string, status: number, seconds: number): void {
    this.http.observe({ route, method, status: String(status) }, seconds);
  }

  command(verb: string, outcome: 'accepted' | 'refused'): void {
    this.commands.inc({ verb, outcome });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
