import type { CallHandler, ExecutionContext } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { JsonBodyInterceptor } from './json-body.interceptor';

function setup() {
  const headers = new Map<string, string>();
  const host = { httpAdapter: { setHeader: (_res: unknown, name: string, value: string) => headers.set(name, value) } } as unknown as HttpAdapterHost;
  const interceptor = new JsonBodyInterceptor(host);
  const context = (type = 'http') => ({ getType: () => type, switchToHttp: () => ({ getResponse: () => ({}) }) }) as unknown as ExecutionContext;
  const run = (body: unknown, type?: string) => lastValueFrom(interceptor.intercept(context(type), { handle: () => of(body) } as CallHandler));
  return { run, headers };
}

describe('JsonBodyInterceptor', () => {
  it('serialises objects as JSON with a JSON content type', async () => {
    const { run, headers } = setup();
    await expect(run({ at: new Date(0), items: [1] })).resolves.toBe('{"at":"1970-01-01T00:00:00.000Z","items":[1]}');
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('reuses the text for the same object and serialises a new one afresh', async () => {
    const { run } = setup();
    const cached = { items: ['a'] };
    const first = await run(cached);
    cached.items.push('mutated after serialisation: a cached value must not be');
    expect(await run(cached)).toBe(first);
    expect(await run({ items: ['b'] })).toBe('{"items":["b"]}');
  });

  it('leaves empty bodies, strings, buffers and GraphQL results alone', async () => {
    const { run } = setup();
    expect(await run(undefined)).toBeUndefined();
    expect(await run('text')).toBe('text');
    const buffer = Buffer.from('x');
    expect(await run(buffer)).toBe(buffer);
    const gql = { data: 1 };
    expect(await run(gql, 'graphql')).toBe(gql);
  });
});
