// Issue 9 §5: the GraphQL console works without the internet and asks for the token once (never in a URL).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_EXAMPLES } from '../src/common/graphql/graphql-console.page';
import { startTestApi, type TestApi } from './test-api';

describe('the GraphQL console (GET /graphql in a browser)', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.token('admin');
  });
  afterAll(() => api.close());

  it('is one self-contained page: nothing loaded from another origin, the token sent only as a header', async () => {
    const res = await request(api.server).get('/graphql').set('accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Cutover GraphQL');
    // No <script src>, <link href> or fetch to anything but this origin.
    expect(res.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    expect(res.text).toContain("authorization: 'Bearer ' + token");
    expect(res.text).not.toMatch(/[?&]token=/);
  });

  it.each(CONSOLE_EXAMPLES.map((e) => [e.title, e] as const))('its example "%s" is a valid document', async (_title, example) => {
    const variables = example.variables ? (JSON.parse(example.variables.replace('<deployment id>', '00000000-0000-4000-8000-000000000000')) as object) : {};
    const res = await request(api.server).post('/graphql').set('authorization', `Bearer ${admin}`).send({ query: example.query, variables });
    const codes = ((res.body.errors ?? []) as Array<{ extensions: { code: string } }>).map((e) => e.extensions.code);
    // A missing deployment is fine (NOT_FOUND); a document the schema refuses is not.
    expect(codes.filter((c) => c !== 'NOT_FOUND')).toEqual([]);
  });
});

describe('the GraphQL examples of docs/api.md', () => {
  it('are valid against the committed schema', async () => {
    const { buildSchema, parse, validate } = await import('graphql');
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.resolve(__dirname, '../../..');
    const schema = buildSchema(readFileSync(path.join(root, 'apps/api/schema.gql'), 'utf8'));
    const docs = readFileSync(path.join(root, 'docs/api.md'), 'utf8');
    const blocks = [...docs.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks) expect(validate(schema, parse(block)).map((e) => e.message)).toEqual([]);
  });
});
