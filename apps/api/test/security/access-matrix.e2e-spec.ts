// Security suite, part 1: every route of the running router and every GraphQL root field, called by every kind of
// caller, against the expected matrix in access-matrix.ts. Runs whole in `npm test` (it is quick).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, startTestApi } from '../test-api';
import { GRAPHQL_ACCESS, REST_ACCESS } from './access-matrix';
import { rawRequest } from './security-run';
import { type Callers, ROLES, concretePath, graphqlSchema, makeCallers, operationFor, postGraphql, roleAllows, rootFields, routeInventory } from './security.fixtures';

const DENIED = new Set([401, 403]);

describe('access matrix (security suite)', () => {
  let api: TestApi;
  let callers: Callers;

  beforeAll(async () => {
    // Hundreds of deliberate 401s from one address: the failed-authentication limit is not what is tested here.
    api = await startTestApi({ env: { AUTH_FAILURE_LIMIT: '1000000', LOG_LEVEL: 'warn' } });
    callers = await makeCallers(api);
  });
  afterAll(() => api.close());

  it('has an entry for every route the router holds, and no entry for a route that is gone', () => {
    const inventory = routeInventory(api).map((r) => r.key);
    const missing = inventory.filter((key) => !(key in REST_ACCESS));
    expect(missing, `routes without an access entry: add them to apps/api/test/security/access-matrix.ts`).toEqual([]);
    const stale = Object.keys(REST_ACCESS).filter((key) => !inventory.includes(key));
    expect(stale, 'access entries for routes that no longer exist').toEqual([]);
  });

  it('has an entry for every GraphQL root field', () => {
    const fields = rootFields(graphqlSchema(api)).map((f) => f.key);
    expect(
      fields.filter((key) => !(key in GRAPHQL_ACCESS)),
      'GraphQL fields without an access entry: add them to GRAPHQL_ACCESS in apps/api/test/security/access-matrix.ts',
    ).toEqual([]);
    expect(Object.keys(GRAPHQL_ACCESS).filter((key) => !fields.includes(key))).toEqual([]);
  });

  it('answers every REST route by the matrix for no, garbage, malformed, unknown and revoked tokens and each role', async () => {
    const wrong: string[] = [];
    const port = Number(new URL(api.url).port);
    let calls = 0;
    for (const route of routeInventory(api)) {
      const access = REST_ACCESS[route.key];
      if (access === undefined || access === 'graphql') continue;
      const path = concretePath(route.url);
      const call = async (authorization: string | undefined): Promise<{ status: number; headers: Record<string, unknown>; body: { code?: string } }> => {
        calls += 1;
        const method = route.method;
        const hasBody = method !== 'GET' && method !== 'DELETE';
        const res = await rawRequest(port, method, path, { ...(authorization ? { authorization } : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}) }, hasBody ? '{}' : undefined);
        let body: { code?: string };
        try {
          body = JSON.parse(res.body) as { code?: string };
        } catch {
          body = {};
        }
        return { status: res.status, headers: res.headers, body };
      };
      for (const [name, header] of Object.entries(callers.anonymous)) {
        const res = await call(header);
        const expected = access === 'public' ? 'not 401/403' : 401;
        const ok = access === 'public' ? !DENIED.has(res.status) && res.status < 500 : res.status === 401 && /problem\+json/.test(String(res.headers['content-type']));
        if (!ok) wrong.push(`${route.key} as ${name}: ${res.status}, expected ${expected}`);
      }
      for (const role of ROLES) {
        const res = await call(callers.roles[role]);
        const allowed = access === 'public' || roleAllows(role, access);
        const ok = allowed ? !DENIED.has(res.status) && res.status < 500 : res.status === 403 && res.body.code === 'FORBIDDEN';
        if (!ok) wrong.push(`${route.key} as ${role}: ${res.status}, expected ${allowed ? 'allowed (not 401/403/5xx)' : 403}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(Object.keys(REST_ACCESS).length * 5);
  });

  it('answers every GraphQL root field by the matrix, authenticating before parsing or validating', async () => {
    const wrong: string[] = [];
    for (const { key, kind, field } of rootFields(graphqlSchema(api))) {
      const required = GRAPHQL_ACCESS[key];
      if (!required) continue;
      const query = operationFor(kind, field);
      for (const [name, header] of Object.entries(callers.anonymous)) {
        const res = await postGraphql(api, header, { query });
        if (res.status !== 401 || res.codes.join() !== 'UNAUTHENTICATED') wrong.push(`${key} as ${name}: ${res.status} ${res.codes.join()}`);
      }
      for (const role of ROLES) {
        const res = await postGraphql(api, callers.roles[role], { query });
        const allowed = roleAllows(role, required);
        const refused = res.codes.some((c) => c === 'FORBIDDEN' || c === 'UNAUTHENTICATED');
        const broken = res.codes.includes('INTERNAL') || res.status >= 500;
        if (broken || (allowed ? refused : !res.codes.includes('FORBIDDEN'))) wrong.push(`${key} as ${role}: ${res.status} ${res.codes.join()} (${query})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives an anonymous caller no schema hints: no suggestions, no validation messages, before any parsing', async () => {
    for (const [name, header] of Object.entries(callers.anonymous)) {
      for (const query of ['{ tokenz { id } }', '{ app(nam: 1) }', '{'.repeat(5_000), 'subscription { x }', '{ __schema { types { name } } }']) {
        const res = await postGraphql(api, header, { query });
        expect(res.status, `${name}: ${query.slice(0, 30)}`).toBe(401);
        expect(res.codes).toEqual(['UNAUTHENTICATED']);
        expect(JSON.stringify(res.body)).not.toMatch(/Did you mean|Cannot query|Syntax Error/);
      }
    }
  });
});
