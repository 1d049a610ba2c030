import { describe, expect, it } from 'vitest';
import { unsupportedMediaType } from './http-setup';
import { requestIdFrom, routeOf } from './http-request.types';

describe('requestIdFrom', () => {
  const gen = () => 'generated';
  it.each([
    ['abc-123', 'abc-123'],
    ['trace:1.2@x_y', 'trace:1.2@x_y'],
    [undefined, 'generated'],
    ['', 'generated'],
    ['with space', 'generated'],
    ['line\nbreak', 'generated'],
    ['x'.repeat(129), 'generated'],
  ])('%j → %s', (header, expected) => {
    expect(requestIdFrom(header, gen)).toBe(expected);
  });
});

describe('unsupportedMediaType', () => {
  const body = { 'content-length': '2' };
  it.each([
    ['POST', { ...body, 'content-type': 'application/json' }, false],
    ['POST', { ...body, 'content-type': 'application/json; charset=utf-8' }, false],
    ['PATCH', { ...body, 'content-type': 'application/merge-patch+json' }, false],
    ['POST', { ...body, 'content-type': 'text/plain' }, true],
    ['POST', { ...body, 'content-type': 'application/jsonx' }, true],
    ['PUT', { ...body }, true],
    ['POST', { 'transfer-encoding': 'chunked', 'content-type': 'application/x-www-form-urlencoded' }, true],
    ['POST', { 'content-length': '0' }, false],
    ['POST', {}, false],
    ['GET', { ...body, 'content-type': 'text/plain' }, false],
  ])('%s %j → refused: %s', (method, headers, refused) => {
    const error = unsupportedMediaType(method, headers);
    expect(error !== undefined).toBe(refused);
    if (error) expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('routeOf', () => {
  it('prefers the matched template over the concrete path', () => {
    expect(routeOf({ id: '1', method: 'GET', url: '/v1/apps/x?limit=1', headers: {}, routeOptions: { url: '/v1/apps/:app' } })).toBe('GET /v1/apps/:app');
    expect(routeOf({ id: '1', method: 'GET', url: '/v1/apps/x?limit=1', headers: {}, route: { path: '/v1/apps/:app' } })).toBe('GET /v1/apps/:app');
    expect(routeOf({ id: '1', method: 'GET', url: '/v1/nothing?x=1', headers: {} })).toBe('GET /v1/nothing');
  });
});
