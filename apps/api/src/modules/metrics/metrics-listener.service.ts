import http from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { type ApiConfig, CUTOVER_CONFIG } from '@cutover/config';
import { API_LOGGER } from '../../common/logging/logging.module';
import { ApiMetrics } from './api-metrics.service';

/**
 * METRICS_PORT: a listener with no authentication that answers only `GET /metrics`, for a scraper on the pod
 * network (bind it where only the scraper reaches: METRICS_HOST). Without METRICS_PORT there is none, and
 * `GET /metrics` on the api's own port needs an admin token.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: http.Server | null = null;

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: ApiConfig,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(API_LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { metricsPort, metricsHost } = this.config;
    if (metricsPort === null) return;
    this.server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
        return;
      }
      this.metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': this.metrics.contentType }).end(text),
        (err: unknown) => {
          this.log.warn({ err }, 'metrics: collecting failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(metricsPort, metricsHost, () => resolve());
    });
    this.log.info(`metrics on http://${metricsHost}:${metricsPort}/metrics (no authentication)`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
