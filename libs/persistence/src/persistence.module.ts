import { CUTOVER_CONFIG, CutoverConfig } from '@cutover/config';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AuditRepository } from './audit/audit.repository';
import { SecretBox, secretBoxFromEnv } from './crypto/secret-box';
import { PERSISTENCE_OPTIONS, PersistenceOptions, PrismaService } from './prisma/prisma.service';
import { TransactionRunner } from './transaction/transaction-runner.service';

const services = [PrismaService, TransactionRunner, AuditRepository];

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

/** The credentials box, keyed by the validated config when there is one, else by CUTOVER_SECRET_KEY. */
const secretBox: Provider = {
  provide: SecretBox,
  inject: [{ token: CUTOVER_CONFIG, optional: true }],
  useFactory: (config?: CutoverConfig): SecretBox => (config ? new SecretBox(config.secretKey) : secretBoxFromEnv()),
};

/** Global: PrismaService, TransactionRunner, AuditRepository and SecretBox for every module of the app. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options?: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [options ? { provide: PERSISTENCE_OPTIONS, useValue: options } : optionsFromConfig, secretBox, ...services],
      exports: [PERSISTENCE_OPTIONS, SecretBox, ...services],
    };
  }
}
