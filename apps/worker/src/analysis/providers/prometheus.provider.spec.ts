import { describe, expect, it } from 'vitest';
import { prometheusResult } from './prometheus.provider';

describe('prometheusResult: the Prometheus API answer as `result`', () => {
  it.each<[string, unknown, unknown]>([
    ['scalar → number', { status: 'success', data: { resultType: 'scalar', result: [1, '0.5'] } }, 0.5],
    ['vector → one number per series', { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.97'] }, { metric: {}, value: [1, '1'] }] } }, [0.97, 1]],
    ['empty vector → []', { status: 'success', data: { resultType: 'vector', result: [] } }, []],
    ['NaN and infinities', { status: 'success', data: { resultType: 'vector', result: [{ value: [1, 'NaN'] }, { value: [1, '+Inf'] }] } }, [Number.NaN, Number.POSITIVE_INFINITY]],
    ['matrix → series of numbers', { status: 'success', data: { resultType: 'matrix', result: [{ values: [[1, '1'], [2, '2']] }] } }, [[1, 2]]],
  ])('%s', (_name, body, value) => {
    expect(prometheusResult(body)).toEqual({ ok: true, value });
  });

  it.each<[string, unknown, RegExp]>([
    ['a refused query', { status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }, /refused the query: bad_data: parse error/],
    ['not the Prometheus API', { hello: 'world' }, /not a Prometheus API answer/],
    ['not an object', 'text', /not a JSON object/],
    ['a sample that is not a number', { status: 'success', data: { resultType: 'vector', result: [{ value: [1, 'abc'] }] } }, /not a number/],
    ['an unknown result type', { status: 'success', data: { resultType: 'weird', result: [] } }, /unknown resultType/],
  ])('%s is an error with the reason', (_name, body, reason) => {
    const r = prometheusResult(body);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toMatch(reason);
  });
});
