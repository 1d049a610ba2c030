import { CUTOVER_CONFIG, type CutoverConfig } from '@cutover/config';
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DeploymentQueue } from './deployment.queue';

/** Closes the producer's Redis connection with the app. */
@Injectable()
class DeploymentQueueCloser implements OnApplicationShutdown {
  constructor(@Inject(DeploymentQueue) private readonly queue: DeploymentQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

/** DeploymentQueue for every module (api and worker), connected with the validated config. */
@Global()
@Module({
  providers: [
    {
      provide: DeploymentQueue,
      inject: [CUTOVER_CONFIG],
      useFactory: (config: CutoverConfig) => new DeploymentQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix }),
    },
    DeploymentQueueCloser,
  ],
  exports: [DeploymentQueue],
})
export class QueueModule {}
