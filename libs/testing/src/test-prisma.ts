import { createPrismaClient, PrismaClient } from '@cutover/persistence';
import { testDatabaseUrl } from './test-database';

/** A PrismaClient on the run's database. Call `$disconnect()` in afterAll. */
export function createTestPrisma(options: { poolSize?: number } = {}): PrismaClient {
  return createPrismaClient({ databaseUrl: testDatabaseUrl(), poolSize: options.poolSize ?? 5 });
}
