import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export interface PrismaConnectionOptions {
  /** postgresql://user:pass@host:port/db */
  databaseUrl: string;
  /** Pool size per process (pg's default is 10). */
  poolSize?: number;
}

/** A PrismaClient over the pg driver adapter, for code outside Nest (scripts, tests, benches). */
export function createPrismaClient(options: PrismaConnectionOptions): PrismaClient {
  return new PrismaClient({ adapter: createPgAdapter(options) });
}

export function createPgAdapter({ databaseUrl, poolSize }: PrismaConnectionOptions): PrismaPg {
  return new PrismaPg({ connectionString: databaseUrl, ...(poolSize ? { max: poolSize } : {}) });
}

export const PERSISTENCE_OPTIONS = Symbol('PERSISTENCE_OPTIONS');
export type PersistenceOptions = PrismaConnectionOptions;

/** The one PrismaClient of a process. Only repositories (and the transaction runner) use it. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(PERSISTENCE_OPTIONS) options: PersistenceOptions) {
    super({ adapter: createPgAdapter(options) });
  }

  async onModuleInit(): Promise<void> {
    // Fail at boot, not on the first request, when the database is unreachable.
    await this.$connect();
    await this.$queryRaw`SELECT 1`;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
