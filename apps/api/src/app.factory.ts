import type { Server } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { DestinationStream } from 'pino';
import { type ApiConfig, loadConfig } from '@cutover/config';
import { AppModule } from './app.module';
import { withDistinctHeaders, withProblemResponses } from './common/errors/problem.openapi';
import { clientErrorHandler, configureExpress, configureFastify, fastifyServerOptions, genRequestId, type HttpObserver } from './common/http/http-setup';
import { ApiMetrics } from './modules/metrics/api-metrics.service';
import { mountQueueBoard } from './modules/queue-board/queue-board.setup';
import { apiNestLogger, createLogger } from './common/logging/logger';
import { ApiLogController, lazyRequestLogger } from './common/logging/request-logger';

export type HttpAdapterKind = 'fastify' | 'express';

/** Chosen by `npm run bench:api`: see docs/adr/0003-http-adapter.md. */
export const DEFAULT_ADAPTER: HttpAdapterKind = 'fastify';

export interface CreateAppOptions {
  adapter?: HttpAdapterKind;
  /** Validated config; loaded from `env` (default process.env) when absent. */
  config?: ApiConfig;
  env?: NodeJS.ProcessEnv;
  /** Log level override (the config's LOG_LEVEL otherwise). */
  logLevel?: string;
  /** Where log lines go (stdout by default); tests capture them. */
  logDestination?: DestinationStream;
  /** Where to print the GraphQL schema; in memory by default. */
  schemaFile?: string | true;
  /** More modules to mount (tests). */
  extraModules?: Array<Type | DynamicModule>;
}

function httpObserver(app: INestApplication): HttpObserver {
  const metrics = app.get(ApiMetrics);
  return (route, method, status, seconds) => metrics.observeHttp(route, method, status, seconds);
}

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Cutover API')
    .setDescription('Deployment control plane for Kubernetes. Errors are application/problem+json (RFC 9457).')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token: Authorization: Bearer <token>' })
    .addSecurityRequirements('bearer')
    .build();
  return withDistinctHeaders(withProblemResponses(SwaggerModule.createDocument(app, config)));
}

/**
 * Builds and initialises the api without listening: main.ts, the e2e tests and the benchmark all start here.
 * Then `app.listen(port, host)`; `app.close()` drains in-flight requests and disconnects Postgres and Redis.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<INestApplication> {
  const adapter = options.adapter ?? DEFAULT_ADAPTER;
  const config = options.config ?? loadConfig(options.env ?? process.env, 'api');
  const logger = createLogger({ level: options.logLevel ?? config.logLevel, destination: options.logDestination });
  const module = AppModule.register({ config, logger, schemaFile: options.schemaFile ?? true, extraModules: options.extraModules });
  const common = { bodyParser: false, logger: apiNestLogger(logger) } as const;

  let app: INestApplication;
  if (adapter === 'fastify') {
    const fastify = new FastifyAdapter({
      ...fastifyServerOptions(config.httpTimeouts),
      loggerInstance: logger,
      genReqId: genRequestId,
      requestIdHeader: false,
      logController: new ApiLogController(logger, config.accessLogLevel),
      childLoggerFactory: lazyRequestLogger,
    });
    const nest = await NestFactory.create<NestFastifyApplication>(module, fastify, common);
    configureFastify(nest, httpObserver(nest));
    await mountQueueBoard(nest);
    app = nest;
  } else {
    const nest = await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(), common);
    nest.disable('x-powered-by');
    configureExpress(nest, logger, httpObserver(nest), config.accessLogLevel);
    const server = nest.getHttpServer() as Server;
    server.headersTimeout = config.httpTimeouts.headersMs;
    server.requestTimeout = config.httpTimeouts.requestMs;
    server.on('clientError', clientErrorHandler);
    app = nest;
  }
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
