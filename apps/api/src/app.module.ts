import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { Logger } from 'pino';
import { type ApiConfig, CutoverConfigModule } from '@cutover/config';
import { PersistenceModule } from '@cutover/persistence';
import { AuthModule } from './common/auth/auth.module';
import { ReadCacheModule } from './common/cache/read-cache.module';
import { DeniedAttemptAuditor } from './common/auth/auth.guard';
import { FailedAuthentications } from './common/auth/failed-auth.service';
import { graphqlAuthPlugin, graphqlContext } from './common/auth/graphql-auth.plugin';
import { graphqlWsOptions } from './common/auth/graphql-ws-auth.plugin';
import { graphqlConsolePlugin } from './common/graphql/graphql-console.plugin';
import { graphqlProtection } from './common/graphql/graphql-limits.policy';
import { formatGraphqlError, graphqlErrorLogging } from './common/errors/graphql-errors.filter';
import { ProblemFilter } from './common/errors/problem.filter';
import { createValidationPipe } from './common/errors/validation.pipe';
import { RouteTable } from './common/http/route-table.service';
import { API_LOGGER, LoggingModule } from './common/logging/logging.module';
import { AppsModule } from './modules/apps/apps.module';
import { AuditModule } from './modules/audit/audit.module';
import { DeploymentsModule } from './modules/deployments/deployments.module';
import { ClustersModule } from './modules/clusters/clusters.module';
import { EnvironmentsModule } from './modules/environments/environments.module';
import { EventsModule } from './modules/events/events.module';
import { ReleasesModule } from './modules/releases/releases.module';
import { AnalysisTemplatesModule } from './modules/analysis-templates/analysis-templates.module';
import { HealthModule } from './modules/health/health.module';
import { TokensModule } from './modules/tokens/tokens.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { ChatOpsModule } from './modules/chatops/chatops.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { DashboardModule } from './modules/dashboard/dashboard.module';
import { OverviewModule } from './modules/overview/overview.module';
import { SessionModule } from './modules/session/session.module';
import { FreezeWindowsModule } from './modules/freeze-windows/freeze-windows.module';
import { PlansModule } from './modules/plans/plans.module';
import { ApprovalsModule } from './modules/approvals/approvals.module';
import { WavesModule } from './modules/waves/waves.module';

/** Resource modules: add yours here (one line). */
const resourceModules = [HealthModule, MetricsModule, TokensModule, AuditModule, ClustersModule, AppsModule, EnvironmentsModule, ReleasesModule, AnalysisTemplatesModule, DeploymentsModule, EventsModule, NotificationsModule, ChatOpsModule, SessionModule, OverviewModule, DashboardModule, FreezeWindowsModule, PlansModule, ApprovalsModule, WavesModule];

export interface AppModuleOptions {
  config: ApiConfig;
  logger: Logger;
  /** Where the printed GraphQL schema goes; `true` keeps it in memory. */
  schemaFile: string | true;
  /** More modules (tests mount probe routes this way). */
  extraModules?: Array<Type | DynamicModule>;
}

@Module({})
export class AppModule {
  static register({ config, logger, schemaFile, extraModules = [] }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CutoverConfigModule.withConfig(config),
        LoggingModule.forRoot(logger),
        PersistenceModule.forRoot(),
        DiscoveryModule,
        ReadCacheModule,
        AuthModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [FailedAuthentications, DeniedAttemptAuditor, API_LOGGER],
          useFactory: (failures: FailedAuthentications, denied: DeniedAttemptAuditor, log: Logger): ApolloDriverConfig => {
            const protection = graphqlProtection(config.nodeEnv === 'production');
            return {
              path: '/graphql',
              autoSchemaFile: schemaFile,
              sortSchema: true,
              introspection: true,
              // The console page of graphqlConsolePlugin instead (works offline, asks for the token once).
              graphiql: false,
              autoTransformHttpErrors: false,
              formatError: formatGraphqlError,
              // HTTP operations authenticate here, before parsing; WebSocket ones in connection_init.
              context: graphqlContext(failures, denied),
              validationRules: protection.validationRules,
              parseOptions: protection.parseOptions,
              plugins: [graphqlAuthPlugin(denied), graphqlErrorLogging(log), graphqlConsolePlugin(), ...protection.plugins],
              // Subscriptions (docs/events.md): graphql-ws on the same path, the token in connection_init.
              subscriptions: { 'graphql-ws': graphqlWsOptions(failures, denied) },
            };
          },
        }),
        ...resourceModules,
        ...extraModules,
      ],
      providers: [
        RouteTable,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
