// The migration runner (scripts/migrate-lib.mjs) keeps `_prisma_migrations` the way Prisma does and refuses
// to build on a history it cannot trust.
import { createScratchDatabase, testDatabaseUrl } from '@cutover/testing';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MIGRATIONS_DIR,
  dropDatabase,
  markRolledBack,
  migrate,
  MigrationError,
  readMigrations,
  sha256Hex,
} from '../../../scripts/migrate-lib.mjs';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function query<T extends object>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A private copy of prisma/migrations that a test may edit. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-migrations-'));
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function scratch(options: { migrated?: boolean; migrationsDir?: string } = {}) {
  const db = await createScratchDatabase(options);
  cleanups.push(db.drop);
  return db.url;
}

function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(path.join(dir, name), { recursive: true });
  writeFileSync(path.join(dir, name, 'migration.sql'), sql);
}

describe('migration runner', () => {
  const onDisk = readMigrations();

  it('recorded every migration in _prisma_migrations with its sha256 checksum, as Prisma does', async () => {
    expect(onDisk.length).toBeGreaterThanOrEqual(2);
    expect(onDisk.map((m) => m.name)).toEqual([...onDisk.map((m) => m.name)].sort());
    const rows = await query<{ id: string; migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number; logs: string | null }>(
      testDatabaseUrl(),
      'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((row) => row.migration_name)).toEqual(onDisk.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(onDisk[i]!.checksum);
      expect(row.checksum).toBe(sha256Hex(onDisk[i]!.sql));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('created _prisma_migrations with exactly Prisma columns', async () => {
    const columns = await query<{ column_name: string; data_type: string; character_maximum_length: number | null; is_nullable: string; column_default: string | null }>(
      testDatabaseUrl(),
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
    ]);
  });

  it('applies nothing the second time', async () => {
    const lines: string[] = [];
    const result = await migrate({ databaseUrl: testDatabaseUrl(), log: (line) => lines.push(line) });
    expect(result).toEqual({ applied: [], createdDatabase: false });
    expect(lines.join('\n')).toMatch(/No pending migrations/);
  });

  it('creates a missing database and applies everything in order', async () => {
    const url = new URL(testDatabaseUrl());
    url.pathname = `${url.pathname}_fresh`;
    cleanups.push(() => dropDatabase(url.toString()));
    const lines: string[] = [];
    const result = await migrate({ databaseUrl: url.toString(), log: (line) => lines.push(line) });
    expect(result).toEqual({ applied: onDisk.map((m) => m.name), createdDatabase: true });
    expect(lines).toContain(`Applied ${onDisk[0]!.name}`);
  });

  it('lets only one of two concurrent runners apply each migration', async () => {
    const url = await scratch({ migrated: false });
    const [a, b] = await Promise.all([migrate({ databaseUrl: url }), migrate({ databaseUrl: url })]);
    expect([...a.applied, ...b.applied].sort()).toEqual(onDisk.map((m) => m.name));
    const rows = await query<{ n: string }>(url, 'SELECT count(*)::text AS n FROM "_prisma_migrations"');
    expect(rows[0]!.n).toBe(String(onDisk.length));
  });

  it('refuses when an applied migration was modified, and applies nothing after it', async () => {
    const dir = copyOfMigrations();
    const url = await scratch({ migrationsDir: dir });
    writeFileSync(path.join(dir, onDisk[0]!.name, 'migration.sql'), `${onDisk[0]!.sql}\n-- an innocent comment\n`);
    addMigration(dir, '29990101000000_later', 'CREATE TABLE "Later" (id int);');
    const error = await migrate({ databaseUrl: url, migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(new RegExp(`modified after they were applied[\\s\\S]*${onDisk[0]!.name}`));
    expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Later'`)).toHaveLength(0);
  });

  it('accepts a migration whose line endings changed (as Prisma does)', async () => {
    const dir = copyOfMigrations();
    const url = await scratch({ migrationsDir: dir });
    const file = path.join(dir, onDisk[1]!.name, 'migration.sql');
    writeFileSync(file, onDisk[1]!.sql.replace(/\n/g, '\r\n'));
    expect((await migrate({ databaseUrl: url, migrationsDir: dir })).applied).toEqual([]);
  });

  it('rolls a failing migration back, records it, refuses until it is resolved, then applies the fix', async () => {
    const dir = copyOfMigrations();
    const url = await scratch({ migrationsDir: dir });
    const name = '29990101000000_broken';
    addMigration(dir, name, 'CREATE TABLE "HalfDone" (id int);\nSELECT * FROM "NoSuchTable";');

    await expect(migrate({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/29990101000000_broken failed and was rolled back: .*NoSuchTable/);
    expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'HalfDone'`)).toHaveLength(0);
    const [failed] = await query<{ finished_at: Date | null; logs: string; applied_steps_count: number }>(url, 'SELECT * FROM "_prisma_migrations" WHERE migration_name = $1', [name]);
    expect(failed).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(failed!.logs).toMatch(/NoSuchTable/);

    writeFileSync(path.join(dir, name, 'migration.sql'), 'CREATE TABLE "HalfDone" (id int);');
    await expect(migrate({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(/failed migrations[\s\S]*29990101000000_broken[\s\S]*--rolled-back/);

    await markRolledBack({ databaseUrl: url, migrationName: name });
    expect((await migrate({ databaseUrl: url, migrationsDir: dir })).applied).toEqual([name]);
    expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'HalfDone'`)).toHaveLength(1);
    await expect(markRolledBack({ databaseUrl: url, migrationName: name })).rejects.toThrow(/No failed migration/);
  });

  it('refuses a lock file for another provider', () => {
    const dir = copyOfMigrations();
    writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "mysql"\n');
    expect(() => readMigrations(dir)).toThrow(/mysql/);
  });
});
