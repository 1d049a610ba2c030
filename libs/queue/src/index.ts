// Public surface of @cutover/queue: queue and job names, the typed job union, the producer and its module.
export * from './jobs.types';
export * from './deployment.queue';
export * from './queue.module';
export * from './events.publisher';
export * from './notification.queue';
export * from './wave-run.queue';
