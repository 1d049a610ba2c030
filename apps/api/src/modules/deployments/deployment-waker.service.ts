import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DeploymentQueue, publishEventsCommitted, WaveRunQueue } from '@cutover/queue';
import { API_LOGGER } from '../../common/logging/logging.module';

/**
 * Wakes the worker for a deployment after its change committed, and nudges live-event readers (the change wrote
 * timeline events: Created, Superseded; docs/adr/0007). The worker's reconciler re-enqueues every active
 * deployment from Postgres, so a failed wake-up only delays it: it is logged, never turned into an error for a
 * change that is already durable.
 */
@Injectable()
export class DeploymentWaker {
  constructor(
    private readonly queue: DeploymentQueue,
    private readonly waveRuns: WaveRunQueue,
    @Inject(API_LOGGER) private readonly log: Logger,
  ) {}

  async wake(deploymentId: string): Promise<void> {
    try {
      await this.queue.wake(deploymentId);
    } catch (err) {
      this.log.warn({ err, deploymentId }, 'could not wake the worker; the reconciler will pick the deployment up');
    }
    try {
      await publishEventsCommitted(this.queue.redis, this.queue.queuePrefix, { deploymentIds: [deploymentId], position: null });
    } catch (err) {
      this.log.warn({ err, deploymentId }, 'could not nudge live-event readers; they catch up on their next read');
    }
  }

  /** A wave run whose deployment changed outside a worker tick (superseded by a single create). */
  async wakeWaveRun(waveRunId: string): Promise<void> {
    try {
      await this.waveRuns.wake(waveRunId);
    } catch (err) {
      this.log.warn({ err, waveRunId }, 'could not wake a wave run; the reconciler will');
    }
  }
}
