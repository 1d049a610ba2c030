// Public surface of @cutover/config: the environment, validated once at boot.
export * from './config.errors';
export * from './config.schema';
export * from './config.module';
export * from './pino-logger.service';
