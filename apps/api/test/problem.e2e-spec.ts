import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

describe.each(['fastify', 'express'] as const)('problem+json (%s)', (adapter) => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi({ adapter });
    admin = await api.token('admin');
  });
  afterAll(() => api.close());

  function expectProblem(res: request.Response, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, type: expect.stringContaining('https://'), title: expect.any(String), detail: expect.any(String) });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(Array.isArray(res.body.errors)).toBe(true);
  }

  it('400 for malformed JSON', async () => {
    const res = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${admin}`).set('content-type', 'application/json').send('{"name":');
    expectProblem(res, 400, 'BAD_REQUEST');
  });

  it('takes an empty body with a JSON content type as no body (the guide\'s curl alias always sends one)', async () => {
    const res = await request(api.server).post('/v1/clusters/no-such-cluster/check').set('authorization', `Bearer ${admin}`).set('content-type', 'application/json').send('');
    expectProblem(res, 404, 'NOT_FOUND');
    // On a route that needs a body, no body is a validation failure naming it, not a parser error.
    const create = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${admin}`).set('content-type', 'application/json').send('');
    expect(create.status).toBe(422);
    const merge = await request(api.server).post('/v1/clusters/no-such-cluster/check').set('authorization', `Bearer ${admin}`).set('content-type', 'application/merge-patch+json').send('');
    expectProblem(merge, 404, 'NOT_FOUND');
  });

  it('413 for a body over 1 MiB', async () => {
    const res = await request(api.server)
      .post('/v1/tokens')
      .set('authorization', `Bearer ${admin}`)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), role: 'viewer' }));
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('415 for a non-JSON body', async () => {
    const res = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${admin}`).set('content-type', 'text/plain').send('name=x');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('404 for an unknown route', async () => {
    const res = await request(api.server).get('/v1/nothing-here').set('authorization', `Bearer ${admin}`);
    expectProblem(res, 404, 'NOT_FOUND');
  });

  it('405 with Allow for a known path and another method', async () => {
    const res = await request(api.server).put('/v1/tokens').set('authorization', `Bearer ${admin}`).send({});
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers['allow']).toBe('GET, HEAD, POST');
    const patch = await request(api.server).patch('/v1/tokens/00000000-0000-0000-0000-000000000000').set('authorization', `Bearer ${admin}`).send({});
    expectProblem(patch, 405, 'METHOD_NOT_ALLOWED');
    expect(patch.headers['allow']).toBe('DELETE, GET, HEAD');
  });

  it('422 naming every broken field, unknown properties included', async () => {
    const res = await request(api.server).post('/v1/tokens').set('authorization', `Bearer ${admin}`).send({ name: '', role: 'root', extra: 1 });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    const paths = (res.body.errors as { path: string; rule: string }[]).map((e) => `${e.path}:${e.rule}`);
    expect(paths).toEqual(expect.arrayContaining(['name:isLength', 'role:isIn', 'extra:unknownProperty']));
  });

  it('422 naming nested paths', async () => {
    const res = await request(api.server)
      .post('/v1/tokens')
      .set('authorization', `Bearer ${admin}`)
      .send({ name: 'scoped', role: 'deployer', scopes: { apps: ['Bad_Name'] } });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'scopes.apps', rule: 'matches' })]);
  });

  it('422 naming limit when out of range, and cursor when forged', async () => {
    for (const limit of ['0', '501', 'abc']) {
      const res = await request(api.server).get(`/v1/tokens?limit=${limit}`).set('authorization', `Bearer ${admin}`);
      expectProblem(res, 422, 'VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('limit');
    }
    const res = await request(api.server).get('/v1/tokens?cursor=bm90LWEtY3Vyc29y').set('authorization', `Bearer ${admin}`);
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(res.body.errors[0].path).toBe('cursor');
  });

  it('honours a caller request id and generates one otherwise', async () => {
    const mine = await request(api.server).get('/healthz').set('x-request-id', 'req-abc.123');
    expect(mine.headers['x-request-id']).toBe('req-abc.123');
    const generated = await request(api.server).get('/healthz').set('x-request-id', 'bad id with spaces');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes JSON log lines carrying the request id', async () => {
    await request(api.server).get('/v1/tokens').set('authorization', `Bearer ${admin}`).set('x-request-id', `log-check-${adapter}`);
    // The completion line is written when the response finishes, which may be just after the client has it.
    const deadline = Date.now() + 2_000;
    let lines: Record<string, unknown>[] = [];
    while (Date.now() < deadline) {
      lines = api.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['requestId'] === `log-check-${adapter}`);
      if (lines.length > 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(api.logs.join('\n')).not.toContain(admin);
  });
});
