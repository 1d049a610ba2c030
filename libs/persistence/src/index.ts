// Public surface of @cutover/persistence. Only repositories touch Prisma; everyone else gets them injected.
export { Prisma, PrismaClient } from './generated/prisma/client';
export type {
  ApiToken,
  Application,
  AuditEntry,
  Cluster,
  Deployment,
  DeploymentCommand,
  DeploymentEffect,
  DeploymentEvent,
  Environment,
  IdempotencyRecord,
  Release,
} from './generated/prisma/client';

export * from './prisma/prisma.service';
export * from './transaction/transaction-runner.service';
export * from './persistence.module';
export * from './audit/audit.types';
export * from './audit/audit.digest';
export * from './audit/audit.repository';
export * from './audit/audit-sealer.service';
export * from './repositories/token.repository';
export * from './crypto/secret-box';
export * from './crypto/api-token';
export * from './repositories/application.repository';
export * from './repositories/environment.repository';
export * from './repositories/release.repository';
export * from './repositories/cluster.repository';
export * from './repositories/deployment.repository';
export * from './repositories/idempotency.repository';
export * from './repositories/deployment-tick.repository';
export * from './repositories/deployment-event.repository';
export * from './repositories/notification-channel.repository';
export * from './repositories/notification-delivery.repository';
export * from './repositories/chat-identity.repository';
export * from './repositories/dashboard-session.repository';
export * from './repositories/overview.repository';
export * from './repositories/analysis-measurement.repository';
export * from './repositories/analysis-template.repository';
export * from './repositories/freeze-window.repository';
export * from './repositories/deployment-approval.repository';
export * from './repositories/wave-run.repository';
