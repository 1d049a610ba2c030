// Applies prisma/migrations the way `prisma migrate deploy` does, without Prisma's native schema engine
// (its download is blocked here; see docs/adr/0002). The bookkeeping table `_prisma_migrations` is kept
// exactly as Prisma keeps it, so `prisma migrate deploy/status` can take over wherever the engine is available.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/cutover';
export const DEFAULT_MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'prisma', 'migrations');
/** The key Prisma's schema engine locks, so our runner and Prisma's never migrate the same database at once. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Prisma's own DDL for its bookkeeping table (schema engine, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function sha256Hex(text) {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A file saved with other line endings is the same migration, as Prisma also accepts. */
function checksumMatches(sql, checksum) {
  if (sha256Hex(sql) === checksum) return true;
  const lf = sql.replace(/\r\n/g, '\n');
  return sha256Hex(lf) === checksum || sha256Hex(lf.replace(/\n/g, '\r\n')) === checksum;
}

/** Migrations on disk, in the order Prisma applies them (directory names sort by their timestamp prefix). */
export function readMigrations(migrationsDir = DEFAULT_MIGRATIONS_DIR) {
  if (!existsSync(migrationsDir)) throw new MigrationError(`No migrations directory at ${migrationsDir}.`);
  const lockFile = path.join(migrationsDir, 'migration_lock.toml');
  if (existsSync(lockFile)) {
    const provider = /provider\s*=\s*"([^"]+)"/.exec(readFileSync(lockFile, 'utf8'))?.[1];
    if (provider && provider !== 'postgresql') {
      throw new MigrationError(`${lockFile} says provider = "${provider}"; this runner applies PostgreSQL migrations only.`);
    }
  }
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256Hex(sql) };
    });
}

function withDatabase(databaseUrl, database) {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function databaseName(databaseUrl) {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new MigrationError(`DATABASE_URL ${redact(databaseUrl)} names no database.`);
  return name;
}

export function redact(databaseUrl) {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

/** Runs `fn` with a client connected to the server's maintenance database (to create or drop others). */
export async function withMaintenanceClient(databaseUrl, fn) {
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL unless it exists. Returns whether it was created. */
export async function ensureDatabase(databaseUrl) {
  const name = databaseName(databaseUrl);
  return withMaintenanceClient(databaseUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount > 0) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (error) {
      // Another process created it between our check and our CREATE.
      if (error.code === '42P04' || error.code === '23505') return false;
      throw error;
    }
  });
}

/** Drops the database named in the URL, disconnecting whoever still uses it. */
export async function dropDatabase(databaseUrl) {
  const name = databaseName(databaseUrl);
  await withMaintenanceClient(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/**
 * Checks the recorded history against the files: an applied migration whose file changed, or a migration
 * that failed and was not resolved, stops everything (Prisma's P3009 / checksum drift), because applying
 * more on top of an unknown state is how databases get lost.
 */
function planMigrations(onDisk, rows) {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.filter((row) => row.finished_at === null);
  if (failed.length > 0) {
    const names = failed.map((row) => `  - ${row.migration_name} (started ${new Date(row.started_at).toISOString()})${row.logs ? `: ${firstLine(row.logs)}` : ''}`);
    throw new MigrationError(
      `Found failed migrations in the database; nothing was applied.\n${names.join('\n')}\n` +
        'Its transaction was rolled back, so fix the migration and mark it rolled back with\n' +
        '  node scripts/db-migrate.mjs --rolled-back <migration_name>\n' +
        '(the same as `prisma migrate resolve --rolled-back <migration_name>`), then migrate again.',
    );
  }
  const byName = new Map(onDisk.map((migration) => [migration.name, migration]));
  const changed = live.filter((row) => byName.has(row.migration_name) && !checksumMatches(byName.get(row.migration_name).sql, row.checksum));
  if (changed.length > 0) {
    throw new MigrationError(
      `Applied migrations were modified after they were applied; nothing was applied.\n` +
        changed.map((row) => `  - ${row.migration_name}: recorded checksum ${row.checksum}, file now ${byName.get(row.migration_name).checksum}`).join('\n') +
        '\nRestore the original files and put the change in a new migration.',
    );
  }
  const applied = new Set(live.map((row) => row.migration_name));
  const unknown = [...applied].filter((name) => !byName.has(name));
  return { pending: onDisk.filter((migration) => !applied.has(migration.name)), unknown };
}

function firstLine(text) {
  return String(text).split('\n')[0];
}

/**
 * Applies pending migrations in order, each in its own transaction together with its `_prisma_migrations` row.
 * @param {{ databaseUrl?: string, migrationsDir?: string, log?: (line: string) => void, createDatabase?: boolean }} [options]
 * @returns {Promise<{ applied: string[], createdDatabase: boolean }>}
 */
export async function migrate({ databaseUrl = DEFAULT_DATABASE_URL, migrationsDir = DEFAULT_MIGRATIONS_DIR, log = () => {}, createDatabase = true } = {}) {
  const onDisk = readMigrations(migrationsDir);
  const createdDatabase = createDatabase ? await ensureDatabase(databaseUrl) : false;
  if (createdDatabase) log(`Created database ${databaseName(databaseUrl)}.`);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query('SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');
      const { pending, unknown } = planMigrations(onDisk, rows);
      for (const name of unknown) log(`Warning: ${name} is recorded as applied but is not in ${migrationsDir}.`);
      const applied = [];
      for (const migration of pending) {
        await applyOne(client, migration);
        applied.push(migration.name);
        log(`Applied ${migration.name}`);
      }
      log(applied.length === 0 ? `No pending migrations (${onDisk.length} applied).` : `Applied ${applied.length} migration(s).`);
      return { applied, createdDatabase };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client, migration) {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, migration.checksum, migration.name],
    );
    // No parameters: the simple query protocol runs the whole multi-statement script, as Prisma does.
    await client.query(migration.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    // Recorded outside the rolled-back transaction so the failure stays visible, as Prisma records it.
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, logs, applied_steps_count) VALUES ($1, $2, $3, now(), $4, 0)',
      [id, migration.checksum, migration.name, String(error?.message ?? error)],
    );
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${error?.message ?? error}`);
  }
}

/** `prisma migrate resolve --rolled-back <name>`: marks a failed migration as rolled back so it can be retried. */
export async function markRolledBack({ databaseUrl = DEFAULT_DATABASE_URL, migrationName }) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(
      'UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL',
      [migrationName],
    );
    if (result.rowCount === 0) throw new MigrationError(`No failed migration named ${migrationName} is recorded.`);
    return result.rowCount;
  } finally {
    await client.end();
  }
}
