import { BadRequestException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@cutover/domain';
import { INTERNAL_DETAIL, describeError, toProblem } from './problem.types';

describe('describeError', () => {
  it.each([
    ['a domain error', DomainError.validation([{ path: 'name', rule: 'dns', message: 'bad' }]), 'VALIDATION_FAILED', 422],
    ['a conflict', DomainError.conflict('taken', { name: 'x' }), 'CONFLICT', 409],
    ['a Nest 400', new BadRequestException('nope'), 'BAD_REQUEST', 400],
    ['a Nest 403', new ForbiddenException(), 'FORBIDDEN', 403],
    ['a Nest 404', new NotFoundException(), 'NOT_FOUND', 404],
    ['a Nest 429', new HttpException('slow down', 429), 'TOO_MANY_REQUESTS', 429],
    ['an Express parse error', Object.assign(new SyntaxError('Unexpected end'), { type: 'entity.parse.failed', status: 400 }), 'BAD_REQUEST', 400],
    ['an Express size error', Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 }), 'PAYLOAD_TOO_LARGE', 413],
    ['a Fastify size error', Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), 'PAYLOAD_TOO_LARGE', 413],
    ['a Fastify media type error', Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }), 'UNSUPPORTED_MEDIA_TYPE', 415],
    ['a Fastify JSON error', Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }), 'BAD_REQUEST', 400],
  ])('maps %s', (_case, error, code, status) => {
    const d = describeError(error);
    expect(d).toMatchObject({ code, status, unexpected: false });
  });

  it('hides unknown errors and marks them for logging', () => {
    const d = describeError(new Error('password=hunter2 at db.internal:5432'));
    expect(d).toEqual({ code: 'INTERNAL', status: 500, detail: INTERNAL_DETAIL, errors: [], details: {}, unexpected: true });
    expect(describeError(new HttpException('boom', 500))).toMatchObject({ code: 'INTERNAL', detail: INTERNAL_DETAIL, unexpected: true });
    expect(describeError('a string')).toMatchObject({ code: 'INTERNAL', unexpected: true });
    expect(describeError(Object.assign(new Error('x'), { statusCode: 503 }))).toMatchObject({ code: 'INTERNAL', unexpected: true });
  });
});

describe('toProblem', () => {
  it('renders RFC 9457 fields with code, requestId, errors and details', () => {
    const problem = toProblem(describeError(DomainError.conflict('App "a" exists.', { name: 'a' })), 'req-1');
    expect(problem).toEqual({
      type: 'https://cutover.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'App "a" exists.',
      code: 'CONFLICT',
      requestId: 'req-1',
      errors: [],
      details: { name: 'a' },
    });
  });
});
