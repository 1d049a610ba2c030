// The per-run test database: its name carries its creation time, so leftovers of crashed runs can be dropped later.
export const TEST_DATABASE_PREFIX = 'cutover_test_';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `cutover_test_<yyyymmddhhmmss>_<suffix>` (UTC). */
export function testDatabaseName(at: Date, suffix: string): string {
  const stamp =
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}` +
    `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  return `${TEST_DATABASE_PREFIX}${stamp}_${suffix.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

/** The creation time encoded in a test database's name, or undefined for a name this harness did not make. */
export function parseTestDatabaseTime(name: string): Date | undefined {
  const match = /^cutover_test_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_[a-z0-9_]+$/.exec(name);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** The migrated database of this test run (set by the global setup). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests through vitest (libs/testing/src/global-setup.ts creates it).');
  return url;
}

/** This run's id: use it as the BullMQ prefix / Redis key prefix so runs never collide. */
export function testRunId(): string {
  const id = process.env.CUTOVER_TEST_RUN_ID;
  if (!id) throw new Error('CUTOVER_TEST_RUN_ID is not set: run tests through vitest (libs/testing/src/global-setup.ts sets it).');
  return id;
}

export function testRedisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
}

/**
 * A database of its own for a test that must start from nothing (migration tests), migrated unless
 * `migrated: false`. Drop it in afterAll.
 */
export async function createScratchDatabase(options: { migrated?: boolean; migrationsDir?: string } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const { dropDatabase, ensureDatabase, migrate } = await import('../../../scripts/migrate-lib.mjs');
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${url.pathname.slice(1)}_s${Math.random().toString(36).slice(2, 8)}`;
  const databaseUrl = url.toString();
  if (options.migrated === false) await ensureDatabase(databaseUrl);
  else await migrate({ databaseUrl, migrationsDir: options.migrationsDir });
  return { url: databaseUrl, drop: () => dropDatabase(databaseUrl) };
}
