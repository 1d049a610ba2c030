import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Prisma 7 reads the connection URL from here (no `url` in schema.prisma).
// `npm run db:migrate` applies prisma/migrations with our own runner (scripts/db-migrate.mjs);
// `prisma migrate deploy` reads the same folder where Prisma's schema engine can be downloaded.
export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cutover' },
});
