import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, openApiDocument } from '../src/app.factory';

// The printed GraphQL schema and the OpenAPI document are committed; these fail when the code drifts from them.
// `npm run contracts:update` rewrites both (review the diff, then commit).
const update = process.env.CUTOVER_UPDATE_CONTRACTS === '1';
const apiDir = path.resolve(__dirname, '..');
const SCHEMA_FILE = path.join(apiDir, 'schema.gql');
const OPENAPI_FILE = path.join(apiDir, 'openapi.json');

function committed(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

describe('generated contracts', () => {
  let app: INestApplication;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-schema-'));
    app = await createApp({ env: { ...process.env, LOG_LEVEL: 'silent' }, schemaFile: path.join(dir, 'schema.gql') });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('apps/api/schema.gql matches the code-first schema', () => {
    const printed = readFileSync(path.join(dir, 'schema.gql'), 'utf8');
    if (update) writeFileSync(SCHEMA_FILE, printed);
    expect(printed, 'GraphQL schema drifted: run `npm run contracts:update` and commit apps/api/schema.gql').toBe(committed(SCHEMA_FILE));
  });

  it('apps/api/openapi.json matches the controllers and DTOs', () => {
    const printed = `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
    if (update) writeFileSync(OPENAPI_FILE, printed);
    expect(printed, 'OpenAPI document drifted: run `npm run contracts:update` and commit apps/api/openapi.json').toBe(committed(OPENAPI_FILE));
  });
});
