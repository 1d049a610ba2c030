import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectEnvironments } from './environment-selection.rules';
import { formatLabelSelector, type LabelRequirement, type LabelSelector, matchesLabelSelector, parseLabelSelector } from './label-selector.rules';

// Small key and value alphabets, so generated labels often hit a selector's keys and values.
const key = fc.oneof(fc.constantFrom('tier', 'region', 'zone', 'in', 'notin'), fc.constantFrom('example.com/team', 'a.b/c'));
const value = fc.constantFrom('', 'prod', 'staging', 'eu', 'us', 'a-b', 'a.b_c', 'in');
const values = fc.uniqueArray(value, { minLength: 1, maxLength: 4 }).map((v) => [...v].sort());
const requirement: fc.Arbitrary<LabelRequirement> = fc.oneof(
  fc.record({ key, operator: fc.constantFrom('=' as const, '!=' as const), values: value.map((v) => [v]) }),
  fc.record({ key, operator: fc.constantFrom('in' as const, 'notin' as const), values }),
  fc.record({ key, operator: fc.constantFrom('exists' as const, '!' as const), values: fc.constant([] as string[]) }),
);
const selector: fc.Arbitrary<LabelSelector> = fc.array(requirement, { maxLength: 5 }).map((requirements) => ({ requirements }));
const labels = fc.dictionary(key, value, { maxKeys: 5 });

function parse(text: string): LabelSelector {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(`${JSON.stringify(text)}: ${parsed.error.message} at ${parsed.error.position}`);
  return parsed.value;
}

/** The same text with whitespace around every token the grammar allows it at. */
function spaced(s: LabelSelector): string {
  return s.requirements
    .map((r) => {
      switch (r.operator) {
        case 'exists':
          return ` ${r.key} `;
        case '!':
          return ` ! ${r.key} `;
        case '=':
          return ` ${r.key} == ${r.values[0]} `;
        case '!=':
          return ` ${r.key} != ${r.values[0]} `;
        case 'in':
        case 'notin':
          return ` ${r.key}  ${r.operator} ( ${r.values.join(' , ')} ) `;
      }
    })
    .join(',');
}

describe('label selectors (properties)', () => {
  it('format then parse gives the selector back, with or without whitespace', () => {
    fc.assert(
      fc.property(selector, (s) => {
        expect(parse(formatLabelSelector(s))).toEqual(s);
        expect(parse(spaced(s))).toEqual(s);
      }),
    );
  });

  it('never throws, and a failure points inside the text', () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-z=!,() ]{0,30}$/), selector.map(formatLabelSelector).chain((t) => fc.integer({ min: 0, max: t.length }).map((n) => t.slice(0, n))));
    fc.assert(
      fc.property(text, (t) => {
        const parsed = parseLabelSelector(t);
        if (!parsed.ok) {
          expect(parsed.error.position).toBeGreaterThanOrEqual(0);
          expect(parsed.error.position).toBeLessThanOrEqual(t.length);
          expect(parsed.error.message.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('a selector is the AND of its requirements; negations are complements', () => {
    fc.assert(
      fc.property(selector, labels, (s, l) => {
        const each = s.requirements.map((r) => matchesLabelSelector({ requirements: [r] }, l));
        expect(matchesLabelSelector(s, l)).toBe(each.every(Boolean));
        for (const r of s.requirements) {
          const negated: Record<string, LabelRequirement['operator']> = { '=': '!=', '!=': '=', in: 'notin', notin: 'in', exists: '!', '!': 'exists' };
          const one = matchesLabelSelector({ requirements: [r] }, l);
          expect(matchesLabelSelector({ requirements: [{ ...r, operator: negated[r.operator] }] }, l)).toBe(!one);
        }
      }),
    );
  });

  it('k in (a,b,...) matches exactly when one of k=a, k=b, ... does', () => {
    fc.assert(
      fc.property(key, values, labels, (k, vs, l) => {
        const inSet = matchesLabelSelector({ requirements: [{ key: k, operator: 'in', values: vs }] }, l);
        expect(inSet).toBe(vs.some((v) => matchesLabelSelector({ requirements: [{ key: k, operator: '=', values: [v] }] }, l)));
      }),
    );
  });

  it('selection is a filter that keeps order and needs both selectors to match', () => {
    const env = fc.record({ name: fc.string({ maxLength: 5 }), labels, cluster: fc.record({ name: fc.string({ maxLength: 5 }), labels }) });
    fc.assert(
      fc.property(fc.array(env, { maxLength: 8 }), selector, selector, (envs, es, cs) => {
        const chosen = selectEnvironments(envs, { environmentSelector: es, clusterSelector: cs });
        const expected = envs.filter((e) => matchesLabelSelector(es, e.labels) && matchesLabelSelector(cs, e.cluster.labels));
        expect(chosen).toEqual(expected);
        expect(selectEnvironments(envs, {})).toEqual(envs);
      }),
    );
  });
});
