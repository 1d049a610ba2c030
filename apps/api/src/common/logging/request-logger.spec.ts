import pino from 'pino';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ApiLogController, LazyRequestLogger, redactQuery } from './request-logger';
import { createLogger } from './logger';

function capture(level: string): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('LazyRequestLogger', () => {
  it('makes no child while nothing is written at an enabled level', () => {
    const { logger, lines } = capture('warn');
    let children = 0;
    const parent = Object.assign(Object.create(logger) as pino.Logger, {
      child: (...args: Parameters<pino.Logger['child']>) => {
        children += 1;
        return logger.child(...args);
      },
    });
    const log = new LazyRequestLogger(parent, { requestId: 'r-1' }, {});
    log.info({ a: 1 }, 'not written');
    log.debug('not written either');
    expect(children).toBe(0);
    expect(lines).toEqual([]);
    log.warn({ a: 2 }, 'written');
    log.error('again');
    expect(children).toBe(1);
    expect(lines.map((l) => [l['requestId'], l['msg']])).toEqual([
      ['r-1', 'written'],
      ['r-1', 'again'],
    ]);
  });

  it('follows a route log level and redacts like the parent', () => {
    const { logger, lines } = capture('warn');
    const log = new LazyRequestLogger(logger, { requestId: 'r-2' }, { level: 'info' });
    expect(log.level).toBe('info');
    log.info({ token: 'secret-value' }, 'route level');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.['token']).toBe('[redacted]');
    expect(lines[0]?.['requestId']).toBe('r-2');
  });
});

describe('ApiLogController', () => {
  const request = { method: 'GET', url: '/v1/apps?limit=2', ip: '127.0.0.1' } as FastifyRequest;

  it('writes one completion line with the request id, nothing for the incoming request', () => {
    const { logger, lines } = capture('info');
    const reply = { statusCode: 200, elapsedTime: 1.23456, log: new LazyRequestLogger(logger, { requestId: 'r-3' }, {}) } as unknown as FastifyReply;
    const controller = new ApiLogController(logger);
    controller.incomingRequest();
    controller.requestCompleted(null, request, reply);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ requestId: 'r-3', msg: 'request completed', method: 'GET', url: '/v1/apps?limit=[redacted]', statusCode: 200, responseTime: 1.23, level: 30 });
  });

  it('writes nothing at warn, but an errored response still at error', () => {
    const { logger, lines } = capture('warn');
    const reply = { statusCode: 500, elapsedTime: 2, log: new LazyRequestLogger(logger, { requestId: 'r-4' }, {}) } as unknown as FastifyReply;
    const controller = new ApiLogController(logger);
    controller.requestCompleted(null, request, reply);
    expect(lines).toEqual([]);
    controller.requestCompleted(new Error('socket hang up'), request, reply);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ requestId: 'r-4', msg: 'request errored', level: 50 });
  });
});

describe('redactQuery', () => {
  it('keeps the path and the parameter names, never the values', () => {
    expect(redactQuery('/v1/apps')).toBe('/v1/apps');
    expect(redactQuery('/v1/clusters?access_token=s3cr3t&limit=5')).toBe('/v1/clusters?access_token=[redacted]&limit=[redacted]');
    expect(redactQuery('/v1/audit?actor')).toBe('/v1/audit?actor=[redacted]');
    expect(redactQuery('/x?')).toBe('/x?');
  });
});
