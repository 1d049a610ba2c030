import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';

/** The api's pino logger (`@Inject(API_LOGGER) logger: Logger`), for code that logs outside a request. */
export const API_LOGGER = Symbol('API_LOGGER');

/** Lines are written asynchronously; the last ones must reach stdout before a SIGTERM'd process exits. */
@Injectable()
class LogFlusher implements OnApplicationShutdown {
  constructor(@Inject(API_LOGGER) private readonly logger: Logger) {}

  onApplicationShutdown(): Promise<void> {
    return new Promise((resolve) => this.logger.flush(() => resolve()));
  }
}

@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: LoggingModule, providers: [{ provide: API_LOGGER, useValue: logger }, LogFlusher], exports: [API_LOGGER] };
  }
}
