import { CUTOVER_CONFIG, CutoverConfig } from '@cutover/config';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AUDIT_SEALER_OPTIONS, AuditSealer, type AuditSealerOptions, DEFAULT_AUDIT_SEAL_INTERVAL_MS } from './audit/audit-sealer.service';
import { AuditRepository } from './audit/audit.repository';
import { SecretBox, secretBoxFromEnv } from './crypto/secret-box';
import { PERSISTENCE_OPTIONS, PersistenceOptions, PrismaService } from './prisma/prisma.service';
import { TransactionRunner } from './transaction/transaction-runner.service';

const services = [PrismaService, TransactionRunner, AuditRepository, AuditSealer];

/**
 * Where the connection comes from when forRoot() gets no URL: the validated config when CutoverConfigModule
 * is registered, else DATABASE_URL (tests, scripts).
 */
const optionsFromConfig: Provider = {
  provide: PERSISTENCE_OPTIONS,
  inject: [{ token: CUTOVER_CONFIG, optional: true }],
  useFactory: (config?: CutoverConfig): PersistenceOptions => {
    if (config) return { databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize };
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('PersistenceModule needs a database URL: register CutoverConfigModule or set DATABASE_URL.');
    return { databaseUrl };
  },
};

/** How often this process seals the audit chain: the validated config, else AUDIT_SEAL_INTERVAL_MS, else 100 ms. */
const sealerOptions: Provider = {
  provide: AUDIT_SEALER_OPTIONS,
  inject: [{ token: CUTOVER_CONFIG, optional: true }],
  useFactory: (config?: CutoverConfig): AuditSealerOptions => {
    if (config) return { intervalMs: config.auditSealIntervalMs };
    const fromEnv = Number(process.env.AUDIT_SEAL_INTERVAL_MS);
    return { intervalMs: process.env.AUDIT_SEAL_INTERVAL_MS && Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : DEFAULT_AUDIT_SEAL_INTERVAL_MS };
  },
};

/** The credentials box, keyed by the validated config when there is one, else by CUTOVER_SECRET_KEY. */
const secretBox: Provider = {
  provide: SecretBox,
  inject: [{ token: CUTOVER_CONFIG, optional: true }],
  useFactory: (config?: CutoverConfig): SecretBox => (config ? new SecretBox(config.secretKey) : secretBoxFromEnv()),
};

/**
 * Global: PrismaService, TransactionRunner, AuditRepository, AuditSealer (sealing on its timer in every process that
 * imports this) and SecretBox for every module of the app.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options?: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [options ? { provide: PERSISTENCE_OPTIONS, useValue: options } : optionsFromConfig, secretBox, sealerOptions, ...services],
      exports: [PERSISTENCE_OPTIONS, SecretBox, ...services],
    };
  }
}
