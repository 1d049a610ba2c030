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
  return new SerialTransactionsPg({ connectionString: databaseUrl, ...(poolSize ? { max: poolSize } : {}) });
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;
type PgTransaction = Awaited<ReturnType<PgAdapter['startTransaction']>>;

/**
 * A transaction holds one pg connection, and a connection runs one statement at a time. Prisma's query interpreter
 * reads the relations of an `include` with Promise.all (prisma/orm#29468): inside `$transaction` that called
 * `client.query()` on a client already executing one (pg's DeprecationWarning, an error in pg 9). Here each
 * transaction's statements (and its commit or rollback) wait their turn instead. Outside transactions Prisma uses
 * the pool, where concurrent reads get connections of their own.
 */
export function serialStatements(tx: PgTransaction): PgTransaction {
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    return next;
  };
  const queryRaw = tx.queryRaw.bind(tx);
  const executeRaw = tx.executeRaw.bind(tx);
  const commit = tx.commit.bind(tx);
  const rollback = tx.rollback.bind(tx);
  tx.queryRaw = (query) => inTurn(() => queryRaw(query));
  tx.executeRaw = (query) => inTurn(() => executeRaw(query));
  tx.commit = () => inTurn(commit);
  tx.rollback = () => inTurn(rollback);
  return tx;
}

class SerialTransactionsPg extends PrismaPg {
  override async connect(): Promise<PgAdapter> {
    const adapter = await super.connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => serialStatements(await start(isolationLevel));
    return adapter;
  }
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
