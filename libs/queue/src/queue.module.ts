import { CUTOVER_CONFIG, type CutoverConfig } from '@cutover/config';
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DeploymentQueue } from './deployment.queue';
import { NotificationQueue } from './notification.queue';
import { WaveRunQueue } from './wave-run.queue';

/** Closes the producer's Redis connection with the app. */
@Injectable()
class DeploymentQueueCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(NotificationQueue) private readonly notifications: NotificationQueue,
    @Inject(WaveRunQueue) private readonly waveRuns: WaveRunQueue,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.queue.close(), this.notifications.close(), this.waveRuns.close()]);
  }
}

/** DeploymentQueue and NotificationQueue for every module (api and worker), connected with the validated config. */
@Global()
@Module({
  providers: [
    {
      provide: DeploymentQueue,
      inject: [CUTOVER_CONFIG],
      useFactory: (config: CutoverConfig) => new DeploymentQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix }),
    },
    {
      provide: NotificationQueue,
      inject: [CUTOVER_CONFIG],
      useFactory: (config: CutoverConfig) =>
        new NotificationQueue(
          { redisUrl: config.redisUrl, prefix: config.queuePrefix },
          { attempts: config.notifications.attempts, backoffMs: config.notifications.backoffMs },
        ),
    },
    {
      provide: WaveRunQueue,
      inject: [CUTOVER_CONFIG],
      useFactory: (config: CutoverConfig) => new WaveRunQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix }),
    },
    DeploymentQueueCloser,
  ],
  exports: [DeploymentQueue, NotificationQueue, WaveRunQueue],
})
export class QueueModule {}
