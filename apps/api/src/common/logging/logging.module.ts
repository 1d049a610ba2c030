import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';

/** The api's pino logger (`@Inject(API_LOGGER) logger: Logger`), for code that logs outside a request. */
export const API_LOGGER = Symbol('API_LOGGER');

@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: LoggingModule, providers: [{ provide: API_LOGGER, useValue: logger }], exports: [API_LOGGER] };
  }
}
