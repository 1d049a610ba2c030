import { Controller, Get, Module } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './test-api';

const INTERNALS = 'connect ECONNREFUSED db-primary.internal:5432 password=hunter2';

// A probe route and field that fail the way a bug would: an Error nothing in the api recognises.
@Controller('v1/test-probe')
class ProbeController {
  @Get('boom')
  boom(): never {
    throw new Error(INTERNALS);
  }
}

@Resolver()
class ProbeResolver {
  @Query(() => String)
  testProbeBoom(): never {
    throw new Error(INTERNALS);
  }
}

@Module({ controllers: [ProbeController], providers: [ProbeResolver] })
class ProbeModule {}

describe.each(['fastify', 'express'] as const)('unexpected errors (%s)', (adapter) => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await startTestApi({ adapter, extraModules: [ProbeModule] });
    admin = await api.token('admin');
  });
  afterAll(() => api.close());

  async function loggedWith(requestId: string): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + 2_000;
    for (;;) {
      const lines = api.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['requestId'] === requestId && l['level'] === 50);
      if (lines.length > 0 || Date.now() > deadline) return lines;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('answers REST with a 500 problem showing nothing internal, and logs the error with the request id', async () => {
    const res = await request(api.server).get('/v1/test-probe/boom').set('authorization', `Bearer ${admin}`).set('x-request-id', `boom-rest-${adapter}`);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'INTERNAL', status: 500, requestId: `boom-rest-${adapter}` });
    expect(res.text).not.toContain('hunter2');
    expect(res.text).not.toContain('db-primary');
    const lines = await loggedWith(`boom-rest-${adapter}`);
    expect(JSON.stringify(lines)).toContain('ECONNREFUSED');
  });

  it('answers GraphQL with INTERNAL showing nothing internal, and logs the error with the request id', async () => {
    const res = await request(api.server).post('/graphql').set('authorization', `Bearer ${admin}`).set('x-request-id', `boom-gql-${adapter}`).send({ query: '{ testProbeBoom }' });
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'INTERNAL', status: 500, requestId: `boom-gql-${adapter}` });
    expect(res.text).not.toContain('hunter2');
    const lines = await loggedWith(`boom-gql-${adapter}`);
    expect(JSON.stringify(lines)).toContain('ECONNREFUSED');
  });
});
