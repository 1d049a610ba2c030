import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

/** The client a repository method receives inside a transaction. */
export type Tx = Prisma.TransactionClient;

export interface TransactionOptions {
  /** Milliseconds the whole transaction may take (default 15 s). */
  timeout?: number;
  /** Milliseconds to wait for a pooled connection (default 5 s). */
  maxWait?: number;
}

/**
 * The one place a transaction opens: a change, its timeline event and its audit entry share it.
 * Always READ COMMITTED, because the audit chain and version-guarded updates rely on each statement
 * seeing what committed before it (a snapshot taken earlier would hand out a stale chain head).
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return runTransaction(this.prisma, fn, options);
  }
}

/** The same, for a plain PrismaClient (tests, scripts). */
export function runTransaction<T>(
  client: { $transaction: PrismaService['$transaction'] },
  fn: (tx: Tx) => Promise<T>,
  { timeout = 15_000, maxWait = 5_000 }: TransactionOptions = {},
): Promise<T> {
  return client.$transaction(fn, { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted, timeout, maxWait });
}
