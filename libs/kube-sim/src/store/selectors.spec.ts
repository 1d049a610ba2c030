import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { formatLabelSelector, matchesLabels, parseFieldSelector, parseLabelSelector, selectorMatches } from './selectors';

const m = (sel: string, labels: Record<string, string>) => matchesLabels(parseLabelSelector(sel), labels);

describe('label selectors', () => {
  it('supports =, ==, !=, in, notin, exists and !key', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(m('app=web', labels)).toBe(true);
    expect(m('app==web', labels)).toBe(true);
    expect(m('app=api', labels)).toBe(false);
    expect(m('app!=api', labels)).toBe(true);
    expect(m('missing!=x', labels)).toBe(true);
    expect(m('app in (api, web)', labels)).toBe(true);
    expect(m('app in (api)', labels)).toBe(false);
    expect(m('app notin (web)', labels)).toBe(false);
    expect(m('missing notin (web)', labels)).toBe(true);
    expect(m('tier', labels)).toBe(true);
    expect(m('missing', labels)).toBe(false);
    expect(m('!missing', labels)).toBe(true);
    expect(m('!tier', labels)).toBe(false);
    expect(m('app=web,tier in (front,back),!canary', labels)).toBe(true);
    expect(m('', labels)).toBe(true);
  });

  it('supports gt and lt on integer values', () => {
    expect(m('n>3', { n: '4' })).toBe(true);
    expect(m('n<3', { n: '4' })).toBe(false);
  });

  it('rejects malformed selectors with 400 BadRequest', () => {
    for (const bad of ['app in web', 'app in ()', '=x', 'a b', 'app=web,']) {
      let err: unknown;
      try { parseLabelSelector(bad); } catch (e) { err = e; }
      expect(err, bad).toBeInstanceOf(ApiError);
      expect((err as ApiError).status.code).toBe(400);
      expect((err as ApiError).status.reason).toBe('BadRequest');
    }
  });

  it('matches LabelSelector objects with matchExpressions', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] };
    expect(selectorMatches(sel, { app: 'web' })).toBe(true);
    expect(selectorMatches(sel, { app: 'web', track: 'canary' })).toBe(false);
    expect(selectorMatches({}, {})).toBe(true);
    expect(formatLabelSelector(sel)).toBe('app=web,track notin (canary)');
  });
});

describe('field selectors', () => {
  it('parses allowed fields and rejects others', () => {
    expect(parseFieldSelector('metadata.name=a,spec.nodeName!=', ['metadata.name', 'spec.nodeName'])).toEqual([
      { field: 'metadata.name', op: '=', value: 'a' },
      { field: 'spec.nodeName', op: '!=', value: '' },
    ]);
    expect(() => parseFieldSelector('spec.foo=1', ['metadata.name'])).toThrow('field label not supported: spec.foo');
  });
});
