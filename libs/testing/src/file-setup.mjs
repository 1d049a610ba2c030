// Vitest setup file: runs in each test file's process before the file is imported. Every test file gets a
// database of its own, copied from the run's migrated database (CREATE DATABASE ... TEMPLATE: milliseconds), and
// a Redis prefix of its own, so files running in parallel never see each other's rows, names or queue jobs.
// The global teardown drops them all (their names start with the run database's name).
// Plain ESM (not .ts) because it needs top-level await, which the CommonJS-targeted tsconfig refuses.
import { randomBytes } from 'node:crypto';
import { withMaintenanceClient } from '../../../scripts/migrate-lib.mjs';

const runUrl = process.env.TEST_DATABASE_URL;
const runId = process.env.CUTOVER_TEST_RUN_ID;

if (runUrl && runId && !process.env.CUTOVER_TEST_FILE_ISOLATED) {
  const template = new URL(runUrl).pathname.slice(1);
  const name = `${template}_f${randomBytes(4).toString('hex')}`;
  await createFromTemplate(runUrl, template, name);
  const url = new URL(runUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  process.env.TEST_DATABASE_URL = url.toString();
  process.env.CUTOVER_TEST_RUN_ID = name;
  process.env.CUTOVER_QUEUE_PREFIX = name;
  process.env.CUTOVER_TEST_FILE_ISOLATED = '1';
}

async function createFromTemplate(serverUrl, template, name) {
  // Postgres refuses to copy a template while another CREATE DATABASE copies it: retry that case only.
  for (let attempt = 0; ; attempt++) {
    try {
      await withMaintenanceClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      return;
    } catch (error) {
      const busy = /is being accessed by other users/.test(String(error?.message));
      if (!busy || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + attempt * 20));
    }
  }
}
