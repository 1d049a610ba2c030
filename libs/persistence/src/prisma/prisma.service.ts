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
    // Fail at boot, not on the first request, when the database is unreachable, saying what to do about it.
    try {
      await this.$connect();
      await this.$queryRaw`SELECT 1`;
    } catch (error) {
      throw new DatabaseUnavailableError(error);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/** Raised at boot: names the cause (no such database, refused, auth) and the next step; never the URL's password. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    const text = String((cause as { message?: string })?.message ?? cause);
    const hint = /does not exist|DatabaseDoesNotExist|3D000/.test(text)
      ? 'The database does not exist yet: run `npm run db:migrate` (it creates the database and applies the migrations).'
      : /relation .* does not exist|42P01/.test(text)
        ? 'The database has no tables yet: run `npm run db:migrate`.'
        : 'Is PostgreSQL running and DATABASE_URL right? `docker compose up -d postgres` starts one.';
    const reason = text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'unknown error';
    super(`Cannot use the database: ${reason}\n${hint}`);
    this.name = 'DatabaseUnavailableError';
  }
}
