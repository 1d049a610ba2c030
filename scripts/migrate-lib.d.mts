// Types for scripts/migrate-lib.mjs, so TypeScript (test setup, tests) can call the runner.
export declare const DEFAULT_DATABASE_URL: string;
export declare const DEFAULT_MIGRATIONS_DIR: string;
export declare const PRISMA_ADVISORY_LOCK_KEY: number;

export declare class MigrationError extends Error {}

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, as recorded in `_prisma_migrations.checksum`. */
  checksum: string;
}

export interface MigrateOptions {
  databaseUrl?: string;
  migrationsDir?: string;
  log?: (line: string) => void;
  /** Create the database when it does not exist (default true). */
  createDatabase?: boolean;
}

export declare function sha256Hex(text: string): string;
export declare function readMigrations(migrationsDir?: string): MigrationFile[];
export declare function databaseName(databaseUrl: string): string;
export declare function redact(databaseUrl: string): string;
export declare function withMaintenanceClient<T>(databaseUrl: string, fn: (client: import('pg').Client) => Promise<T>): Promise<T>;
export declare function ensureDatabase(databaseUrl: string): Promise<boolean>;
export declare function dropDatabase(databaseUrl: string): Promise<void>;
export declare function migrate(options?: MigrateOptions): Promise<{ applied: string[]; createdDatabase: boolean }>;
export declare function markRolledBack(options: { databaseUrl?: string; migrationName: string }): Promise<number>;
