import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldReader } from '../strategy-document/strategy-fields.rules';
import { parseMetric } from './analysis-document.rules';
import { assessMetric, assessRun, measurementDueAt, measurementPhase, toMeasurement } from './analysis-verdict.rules';
import type { AnalysisMetric, Measurement, MeasurementPhase } from './analysis.types';

function metric(over: Partial<AnalysisMetric> = {}): AnalysisMetric {
  return {
    name: 'rate',
    provider: { type: 'web', method: 'GET', url: 'http://m/', headers: [], body: null, jsonPath: '$.v', timeout: 5 },
    successCondition: 'result >= 0.95',
    failureCondition: null,
    interval: 1,
    count: 3,
    initialDelay: 0,
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    ...over,
  };
}

function m(phase: MeasurementPhase, at = 0, name = 'rate'): Measurement {
  return { metric: name, phase, value: phase === 'Error' ? null : '1', message: phase === 'Error' ? 'connection refused' : null, query: 'q', scheduledAt: at, at };
}

describe('measurementPhase: conditions over result (Argo Rollouts semantics, no-data never passes)', () => {
  const both = { successCondition: 'result >= 0.95', failureCondition: 'result < 0.9' };
  it.each<[string, Partial<AnalysisMetric>, unknown, MeasurementPhase]>([
    ['success only, true', { successCondition: 'result >= 0.95' }, 0.97, 'Successful'],
    ['success only, false → failed', { successCondition: 'result >= 0.95' }, 0.5, 'Failed'],
    ['failure only, true', { successCondition: null, failureCondition: 'result > 0.1' }, 0.2, 'Failed'],
    ['failure only, false → successful', { successCondition: null, failureCondition: 'result > 0.1' }, 0.05, 'Successful'],
    ['both: failure wins', both, 0.5, 'Failed'],
    ['both: success', both, 0.99, 'Successful'],
    ['both: neither true → inconclusive', both, 0.92, 'Inconclusive'],
    ['vector result[0]', { successCondition: 'result[0] >= 0.95' }, [0.97], 'Successful'],
    ['empty vector → inconclusive', { successCondition: 'result[0] >= 0.95' }, [], 'Inconclusive'],
    ['NaN → inconclusive', { successCondition: 'result >= 0.95' }, Number.NaN, 'Inconclusive'],
    ['NaN in a vector → inconclusive', { successCondition: 'result[0] >= 0.95' }, [Number.NaN], 'Inconclusive'],
    ['null → inconclusive', { successCondition: 'result >= 0.95' }, null, 'Inconclusive'],
    ['type error → error', { successCondition: 'result >= 0.95' }, 'abc', 'Error'],
    ['missing key → error', { successCondition: 'result.rate >= 0.95' }, { other: 1 }, 'Error'],
    ['map access', { successCondition: 'result.rate >= 0.95' }, { rate: 0.99 }, 'Successful'],
    ['no condition → any value passes', { successCondition: null, failureCondition: null }, 5, 'Successful'],
  ])('%s', (_name, conditions, result, phase) => {
    expect(measurementPhase(metric(conditions), result).phase).toBe(phase);
  });

  it('a non-boolean condition result is an error', () => {
    expect(measurementPhase(metric({ successCondition: 'result' }), 3)).toMatchObject({ phase: 'Error' });
  });

  it('records the value as text (NaN spelled out) and errors with their reason', () => {
    expect(toMeasurement(metric(), { kind: 'value', value: Number.NaN, query: 'rate' }, 0, 5)).toMatchObject({ phase: 'Inconclusive', value: 'NaN', query: 'rate', at: 5 });
    expect(toMeasurement(metric(), { kind: 'error', message: 'connection refused', query: 'q' }, 0, 1)).toMatchObject({ phase: 'Error', value: null, message: 'connection refused' });
  });
});

describe('assessMetric', () => {
  it.each<[string, Partial<AnalysisMetric>, MeasurementPhase[], string]>([
    ['running below count', {}, ['Successful'], 'Running'],
    ['count reached, all successful', {}, ['Successful', 'Successful', 'Successful'], 'Successful'],
    ['a failure over the limit fails at once', {}, ['Failed'], 'Failed'],
    ['failure within the limit', { failureLimit: 1 }, ['Failed', 'Successful', 'Successful'], 'Successful'],
    ['inconclusive over the limit', {}, ['Inconclusive'], 'Inconclusive'],
    ['errors within the limit then success', { consecutiveErrorLimit: 2 }, ['Error', 'Error', 'Successful'], 'Successful'],
    ['errors in a row over the limit', { consecutiveErrorLimit: 2 }, ['Error', 'Error', 'Error'], 'Error'],
    ['all errors within the limit never pass', { count: 2, consecutiveErrorLimit: 4 }, ['Error', 'Error'], 'Error'],
    ['all inconclusive within the limit never pass', { count: 2, inconclusiveLimit: 5 }, ['Inconclusive', 'Inconclusive'], 'Inconclusive'],
    ['all failed within the limit fail', { count: 2, failureLimit: 5 }, ['Failed', 'Failed'], 'Failed'],
    ['unbounded keeps running', { count: null }, ['Successful', 'Successful', 'Successful', 'Successful'], 'Running'],
    ['unbounded fails on a failure', { count: null }, ['Successful', 'Failed'], 'Failed'],
  ])('%s', (_name, over, phases, expected) => {
    expect(assessMetric(metric(over), phases.map((p, i) => m(p, i))).phase).toBe(expected);
  });

  const phase = fc.constantFrom<MeasurementPhase>('Successful', 'Failed', 'Inconclusive', 'Error');
  const limits = fc.record({
    count: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
    failureLimit: fc.integer({ min: 0, max: 3 }),
    inconclusiveLimit: fc.integer({ min: 0, max: 3 }),
    consecutiveErrorLimit: fc.integer({ min: 0, max: 5 }),
  });

  it('never passes without a successful measurement, and never passes past a limit', () => {
    fc.assert(
      fc.property(limits, fc.array(phase, { maxLength: 8 }), (over, phases) => {
        const status = assessMetric(metric(over), phases.map((p, i) => m(p, i)));
        if (status.phase === 'Successful') {
          expect(status.successful).toBeGreaterThan(0);
          expect(status.failed).toBeLessThanOrEqual(over.failureLimit);
          expect(status.inconclusive).toBeLessThanOrEqual(over.inconclusiveLimit);
          expect(over.count).not.toBeNull();
        }
        if (phases.every((p) => p === 'Error')) expect(status.phase).not.toBe('Successful');
      }),
    );
  });

  it('a verdict other than Running does not change when more of the same arrive after a failure', () => {
    fc.assert(
      fc.property(limits, fc.array(phase, { maxLength: 6 }), (over, phases) => {
        const failing = [...phases, ...Array<MeasurementPhase>(over.failureLimit + 1).fill('Failed')];
        expect(assessMetric(metric(over), failing.map((p, i) => m(p, i))).phase).toBe('Failed');
      }),
    );
  });
});

describe('assessRun', () => {
  const a = metric({ name: 'a' });
  const b = metric({ name: 'b', count: 1 });
  it('fails with the first failing metric, passes when all passed, runs otherwise', () => {
    expect(assessRun('r', [a, b], [m('Successful', 0, 'a'), m('Failed', 0, 'b')])).toMatchObject({ phase: 'Failed', message: expect.stringContaining('`b`') });
    expect(assessRun('r', [a, b], [m('Successful', 0, 'a'), m('Successful', 0, 'b')]).phase).toBe('Running');
    const done = [0, 1, 2].map((i) => m('Successful', i, 'a'));
    expect(assessRun('r', [a, b], [...done, m('Successful', 0, 'b')]).phase).toBe('Successful');
    expect(assessRun('r', [a, b], [m('Inconclusive', 0, 'a')]).phase).toBe('Inconclusive');
  });
});

describe('schedule', () => {
  it('is a fixed rate from the start plus the initial delay', () => {
    expect(measurementDueAt({ initialDelay: 5, interval: 2 }, 1000, 0)).toBe(6000);
    expect(measurementDueAt({ initialDelay: 5, interval: 2 }, 1000, 3)).toBe(12000);
  });
});

describe('parseMetric', () => {
  const parse = (input: unknown) => {
    const r = new FieldReader();
    const value = parseMetric(r, input, 'm');
    return { value, errors: r.errors };
  };
  const prom = { prometheus: { address: 'http://prom:9090', query: 'sum(rate(x[1m]))' } };

  it('fills Argo defaults: one measurement without interval, unbounded with one', () => {
    expect(parse({ name: 'r', provider: prom, successCondition: 'result[0] < 1' }).value).toMatchObject({ count: 1, consecutiveErrorLimit: 4, failureLimit: 0, initialDelay: 0 });
    expect(parse({ name: 'r', provider: prom, successCondition: 'result[0] < 1', interval: '1s' }).value).toMatchObject({ count: null, interval: 1 });
    expect(parse({ name: 'r', provider: { http: { url: 'http://x/' } } }).value).toMatchObject({ successCondition: 'result == 200' });
  });

  it.each<[string, unknown, string]>([
    ['an unknown provider', { name: 'r', provider: { datadog: {} } }, 'm.provider'],
    ['a condition that does not compile', { name: 'r', provider: prom, successCondition: 'result >=' }, 'm.successCondition'],
    ['a condition naming an unknown variable', { name: 'r', provider: prom, successCondition: 'foo > 1' }, 'm.successCondition'],
    ['an interval under 1s', { name: 'r', provider: prom, successCondition: 'result > 1', interval: 0.5 }, 'm.interval'],
    ['a prometheus metric without conditions', { name: 'r', provider: prom }, 'm.successCondition'],
    ['a range step over the window', { name: 'r', provider: { prometheus: { ...prom.prometheus, range: { duration: '1m', step: '2m' } } }, successCondition: 'true' }, 'm.provider.prometheus.range.step'],
    ['a jsonPath not starting with $', { name: 'r', provider: { web: { url: 'http://x/', jsonPath: 'a.b' } }, successCondition: 'true' }, 'm.provider.web.jsonPath'],
  ])('refuses %s naming the field', (_name, input, path) => {
    const { errors } = parse(input);
    expect(errors.map((e) => e.path)).toContain(path);
  });
});
