import { describe, expect, it } from 'vitest';
import { formatLabelSelector, type LabelRequirement, matchesLabelSelector, parseLabelSelector, validateLabelSelector } from './label-selector.rules';

function requirements(text: string): LabelRequirement[] {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message} at ${parsed.error.position}`);
  return parsed.value.requirements;
}

function matches(text: string, labels: Record<string, string>): boolean {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return matchesLabelSelector(parsed.value, labels);
}

describe('parseLabelSelector', () => {
  it.each<[string, LabelRequirement[]]>([
    ['', []],
    ['   ', []],
    ['tier=prod', [{ key: 'tier', operator: '=', values: ['prod'] }]],
    ['tier==prod', [{ key: 'tier', operator: '=', values: ['prod'] }]],
    ['tier!=prod', [{ key: 'tier', operator: '!=', values: ['prod'] }]],
    ['tier = prod', [{ key: 'tier', operator: '=', values: ['prod'] }]],
    ['tier=', [{ key: 'tier', operator: '=', values: [''] }]],
    ['region in (us,eu)', [{ key: 'region', operator: 'in', values: ['eu', 'us'] }]],
    ['region in ( eu , us , eu )', [{ key: 'region', operator: 'in', values: ['eu', 'us'] }]],
    ['region notin (eu)', [{ key: 'region', operator: 'notin', values: ['eu'] }]],
    ['region in ()', [{ key: 'region', operator: 'in', values: [''] }]],
    ['region in (eu,)', [{ key: 'region', operator: 'in', values: ['', 'eu'] }]],
    ['canary', [{ key: 'canary', operator: 'exists', values: [] }]],
    ['!canary', [{ key: 'canary', operator: '!', values: [] }]],
    ['! canary', [{ key: 'canary', operator: '!', values: [] }]],
    ['example.com/team=payments', [{ key: 'example.com/team', operator: '=', values: ['payments'] }]],
    ['in in (in,notin)', [{ key: 'in', operator: 'in', values: ['in', 'notin'] }]],
    [
      'tier=prod,region in (eu,us),!legacy,canary',
      [
        { key: 'tier', operator: '=', values: ['prod'] },
        { key: 'region', operator: 'in', values: ['eu', 'us'] },
        { key: 'legacy', operator: '!', values: [] },
        { key: 'canary', operator: 'exists', values: [] },
      ],
    ],
  ])('%j', (text, expected) => {
    expect(requirements(text)).toEqual(expected);
  });

  it.each<[string, number, string]>([
    ['tier=prod,region in (eu,us', 26, "expected ')'"],
    ['tier in eu', 8, "expected '(', found 'eu'"],
    ['tier=prod,', 10, "expected a requirement after ','"],
    [',tier=prod', 0, "expected a label key, found ','"],
    ['tier prod', 5, "expected an operator (=, ==, !=, in, notin) after 'tier', found 'prod'"],
    ['tier=a=b', 6, "expected ',' or end of selector, found '='"],
    ['tier in (a b)', 11, "expected ',' or ')', found 'b'"],
    ['tier in (a,=)', 11, "expected a value, ',' or ')', found '='"],
    ['!tier=prod', 5, "expected ',' or end of selector after '!tier', found '='"],
    ['tier>3', 4, "the '>' operator is not supported"],
    ['tier=-prod', 5, "invalid label value '-prod'"],
    ['Tier_/x=prod', 0, "invalid label key 'Tier_/x'"],
    ['a/b/c', 0, "invalid label key 'a/b/c'"],
    [`k=${'v'.repeat(64)}`, 2, 'invalid label value'],
    [`${'k'.repeat(64)}`, 0, 'invalid label key'],
    ['tier=(prod)', 5, "expected a value, found '('"],
  ])('%j fails at %i', (text, position, message) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.position).toBe(position);
    expect(parsed.error.message).toContain(message);
  });

  it('gives a field error ready for problem+json', () => {
    expect(validateLabelSelector('tier=prod,region in (eu,us', 'environmentSelector')).toEqual({
      ok: false,
      errors: [{ path: 'environmentSelector', rule: 'label-selector', message: "environmentSelector: expected ')' at 26" }],
    });
    expect(validateLabelSelector(42, 'clusterSelector')).toMatchObject({ ok: false, errors: [{ path: 'clusterSelector', rule: 'type' }] });
  });

  it('formats to a canonical text that parses back', () => {
    const text = 'tier == prod , region in (us,eu,us), !legacy, canary, zone notin (b,a), team!=x, k=';
    const canonical = formatLabelSelector({ requirements: requirements(text) });
    expect(canonical).toBe('tier=prod,region in (eu,us),!legacy,canary,zone notin (a,b),team!=x,k=');
    expect(requirements(canonical)).toEqual(requirements(text));
  });
});

describe('matchesLabelSelector', () => {
  const prodEu = { tier: 'prod', region: 'eu' };
  it.each<[string, Record<string, string>, boolean]>([
    ['', {}, true],
    ['tier=prod', prodEu, true],
    ['tier=prod', { tier: 'staging' }, false],
    ['tier=prod', {}, false],
    ['tier!=prod', prodEu, false],
    ['tier!=prod', { tier: 'staging' }, true],
    ['tier!=prod', {}, true],
    ['region in (eu,us)', prodEu, true],
    ['region in (us)', prodEu, false],
    ['region in (eu)', {}, false],
    ['region notin (eu)', prodEu, false],
    ['region notin (us)', prodEu, true],
    ['region notin (eu)', {}, true],
    ['region', prodEu, true],
    ['zone', prodEu, false],
    ['!zone', prodEu, true],
    ['!region', prodEu, false],
    ['tier=', { tier: '' }, true],
    ['tier=', {}, false],
    ['tier=prod,region in (eu,us)', prodEu, true],
    ['tier=prod,region in (eu,us)', { tier: 'prod', region: 'ap' }, false],
    ['tier=prod,tier=staging', prodEu, false],
    ['constructor', {}, false],
  ])('%j on %j: %s', (text, labels, expected) => {
    expect(matches(text, labels)).toBe(expected);
  });
});
