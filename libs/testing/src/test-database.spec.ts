import { afterAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../../scripts/migrate-lib.mjs';
import { createTestPrisma } from './test-prisma';
import { parseTestDatabaseTime, testDatabaseName, testDatabaseUrl, testRunId } from './test-database';

describe('per-run test database', () => {
  const prisma = createTestPrisma();
  afterAll(() => prisma.$disconnect());

  it('points this test file at a fresh, migrated database of its own, named after the run', async () => {
    const url = new URL(testDatabaseUrl());
    // <run database>_f<hex>: copied from the run's migrated database by file-setup.ts.
    expect(url.pathname).toMatch(/^\/cutover_test_\d{14}_[a-z0-9]+_f[0-9a-f]{8}$/);
    expect(process.env.DATABASE_URL).toBe(testDatabaseUrl());
    expect(testRunId()).toBe(url.pathname.slice(1));
    const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`;
    expect(rows.map((row) => row.migration_name)).toEqual(readMigrations().map((migration) => migration.name));
    expect(rows.map((row) => row.migration_name)).toContain('20261130000100_audit_append_only');
  });

  it('encodes the creation time in the name so stale databases can be found', () => {
    const at = new Date('2026-11-30T01:02:03Z');
    const name = testDatabaseName(at, 'AbC9');
    expect(name).toBe('cutover_test_20261130010203_abc9');
    expect(parseTestDatabaseTime(name)?.toISOString()).toBe(at.toISOString());
    expect(parseTestDatabaseTime(`${name}_s1x2`)?.toISOString()).toBe(at.toISOString());
    expect(parseTestDatabaseTime('cutover')).toBeUndefined();
    expect(parseTestDatabaseTime('cutover_test_2026113001020_x')).toBeUndefined();
  });
});
