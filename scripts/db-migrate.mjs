// `npm run db:migrate`: creates the database if needed and applies prisma/migrations (see scripts/migrate-lib.mjs).
//   node scripts/db-migrate.mjs                       apply pending migrations
//   node scripts/db-migrate.mjs --rolled-back <name>  mark a failed migration rolled back (prisma migrate resolve)
import { DEFAULT_DATABASE_URL, MigrationError, markRolledBack, migrate, redact } from './migrate-lib.mjs';

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const args = process.argv.slice(2);

try {
  if (args[0] === '--rolled-back') {
    if (!args[1]) throw new MigrationError('usage: node scripts/db-migrate.mjs --rolled-back <migration_name>');
    await markRolledBack({ databaseUrl, migrationName: args[1] });
    console.log(`Marked ${args[1]} as rolled back.`);
  } else if (args.length > 0) {
    throw new MigrationError(`Unknown arguments: ${args.join(' ')}`);
  } else {
    console.log(`Migrating ${redact(databaseUrl)}`);
    await migrate({ databaseUrl, log: (line) => console.log(line) });
  }
} catch (error) {
  console.error(error instanceof MigrationError ? `✖ ${error.message}` : error);
  process.exit(1);
}
