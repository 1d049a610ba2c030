import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

interface GqlError {
  message: string;
  extensions: { code: string; status: number; errors: { path: string; rule: string }[]; requestId?: string };
}

describe.each(['fastify', 'express'] as const)('GraphQL (%s)', (adapter) => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi({ adapter });
    admin = await api.token('admin');
  });
  afterAll(() => api.close());

  function gql(query: string, variables: object = {}, token: string | null = admin, requestId?: string): Promise<request.Response> {
    let req = request(api.server).post('/graphql').set('content-type', 'application/json');
    if (token) req = req.set('authorization', `Bearer ${token}`);
    if (requestId) req = req.set('x-request-id', requestId);
    return req.send({ query, variables });
  }

  it('needs a token for every operation, introspection included, and audits the refusal', async () => {
    const res = await gql('{ __typename }', {}, null, `gql-unauth-${adapter}`);
    expect(res.status).toBe(401);
    const error = (res.body.errors as GqlError[])[0]!;
    expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, requestId: `gql-unauth-${adapter}` });
    expect(res.body.data).toBeUndefined();
    const audit = await request(api.server).get('/v1/audit?outcome=denied&limit=50').set('authorization', `Bearer ${admin}`);
    // outcome is not a filter: the unknown query parameter is refused, proving forbidNonWhitelisted on queries too.
    expect(audit.status).toBe(422);
    const rows = await request(api.server).get('/v1/audit?limit=100').set('authorization', `Bearer ${admin}`).expect(200);
    expect(rows.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ requestId: `gql-unauth-${adapter}`, interface: 'graphql', outcome: 'denied', statusCode: 401 })]),
    );
  });

  it('creates, lists and revokes tokens through the same service as REST', async () => {
    const created = await gql('mutation($input: CreateTokenInput!) { createToken(input: $input) { id name role secret } }', { input: { name: `gql-${adapter}`, role: 'viewer' } });
    expect(created.body.errors).toBeUndefined();
    const token = created.body.data.createToken;
    expect(token).toMatchObject({ name: `gql-${adapter}`, role: 'viewer', secret: expect.stringMatching(/^cut_/) });
    const listed = await gql('{ tokens(limit: 500) { items { id name } nextCursor } }');
    expect(listed.body.data.tokens.items).toEqual(expect.arrayContaining([{ id: token.id, name: `gql-${adapter}` }]));
    const revoked = await gql('mutation($id: ID!) { revokeToken(id: $id) { id revokedAt } }', { id: token.id });
    expect(revoked.body.data.revokeToken.revokedAt).not.toBeNull();
    const audit = await gql('{ auditLog(action: "token.create", limit: 10) { items { action interface resourceId } } }');
    expect(audit.body.data.auditLog.items).toEqual(expect.arrayContaining([{ action: 'token.create', interface: 'graphql', resourceId: token.id }]));
  });

  it('forbids a role that may not (FORBIDDEN, 403 in extensions) and audits it', async () => {
    const viewer = await api.token('viewer');
    const res = await gql('mutation { createToken(input: { name: "x", role: admin }) { id } }', {}, viewer, `gql-forbidden-${adapter}`);
    const error = (res.body.errors as GqlError[])[0]!;
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    const rows = await request(api.server).get('/v1/audit?action=token.create&limit=100').set('authorization', `Bearer ${admin}`).expect(200);
    expect(rows.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ requestId: `gql-forbidden-${adapter}`, outcome: 'denied', statusCode: 403 })]));
  });

  it('reports validation failures with the same code and field paths as REST', async () => {
    const res = await gql('mutation { createToken(input: { name: "", role: viewer, scopes: { apps: ["Bad_Name"] } }) { id } }');
    const error = (res.body.errors as GqlError[])[0]!;
    expect(error.extensions.code).toBe('VALIDATION_FAILED');
    expect(error.extensions.status).toBe(422);
    expect([...new Set(error.extensions.errors.map((e) => e.path))].sort()).toEqual(['name', 'scopes.apps']);
  });

  it('reports not found and bad limits with their codes', async () => {
    const missing = await gql('{ cluster(name: "absent") { name } }');
    expect((missing.body.errors as GqlError[])[0]!.extensions).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    const limit = await gql('{ tokens(limit: 501) { nextCursor } }');
    expect((limit.body.errors as GqlError[])[0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: 'limit' })] });
  });

  it('reports a malformed document as BAD_REQUEST', async () => {
    const res = await gql('{ tokens(');
    expect((res.body.errors as GqlError[])[0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    const unknown = await gql('{ nothing }');
    expect((unknown.body.errors as GqlError[])[0]!.extensions).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it('registers, lists, checks and deletes a cluster, never exposing its token', async () => {
    const name = `gql-cluster-${adapter}`;
    const secret = `gql-secret-token-${adapter}-do-not-show`;
    const registered = await gql('mutation($input: RegisterClusterInput!) { registerCluster(input: $input) { name server authKind labels } }', {
      input: { name, server: 'http://127.0.0.1:9', token: secret, insecureSkipTlsVerify: true, labels: { tier: 'test' } },
    });
    expect(registered.body.data.registerCluster).toEqual({ name, server: 'http://127.0.0.1:9', authKind: 'token', labels: { tier: 'test' } });
    const listed = await gql('{ clusters(limit: 500) { items { name } } }');
    expect(listed.body.data.clusters.items).toEqual(expect.arrayContaining([{ name }]));
    const checked = await gql('mutation($name: String!) { checkCluster(name: $name) { ok version reason } }', { name });
    expect(checked.body.data.checkCluster).toMatchObject({ ok: false, version: null, reason: expect.stringMatching(/^unreachable/) });
    const bad = await gql('mutation { registerCluster(input: { name: "gql-bad", kubeconfig: "a: [" }) { name } }');
    expect((bad.body.errors as GqlError[])[0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: 'kubeconfig' })] });
    const deleted = await gql('mutation($name: String!) { deleteCluster(name: $name) }', { name });
    expect(deleted.body.data.deleteCluster).toBe(true);
    expect(JSON.stringify([registered.body, listed.body, checked.body, deleted.body])).not.toContain(secret);
  });

  it('answers auditVerification', async () => {
    const res = await gql('{ auditVerification { ok count firstBroken { seq } } }');
    expect(res.body.data.auditVerification).toMatchObject({ ok: true, firstBroken: null });
  });
});
