import { describe, expect, it } from 'vitest';
import { parseEnvironmentSelectors, type SelectableEnvironment, selectEnvironments } from './environment-selection.rules';

const cluster = (name: string, region: string, tier: string) => ({ name, labels: { region, tier } });
const envs: SelectableEnvironment[] = [
  { name: 'staging-eu', labels: { tier: 'staging', region: 'eu' }, cluster: cluster('eu-1', 'eu', 'staging') },
  { name: 'prod-eu', labels: { tier: 'prod', region: 'eu' }, cluster: cluster('eu-2', 'eu', 'prod') },
  { name: 'prod-us', labels: { tier: 'prod', region: 'us' }, cluster: cluster('us-1', 'us', 'prod') },
  { name: 'prod-ap', labels: { tier: 'prod', region: 'ap' }, cluster: cluster('ap-1', 'ap', 'prod') },
  { name: 'unlabelled', labels: {}, cluster: cluster('us-1', 'us', 'prod') },
];

function select(input: { environmentSelector?: string; clusterSelector?: string }): string[] {
  const parsed = parseEnvironmentSelectors(input, 'waves[0]');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return selectEnvironments(envs, parsed.value).map((e) => e.name);
}

describe('selectEnvironments', () => {
  it('matches environmentSelector against the environment labels', () => {
    expect(select({ environmentSelector: 'tier=prod,region in (eu,us)' })).toEqual(['prod-eu', 'prod-us']);
  });

  it('matches clusterSelector against the cluster labels', () => {
    expect(select({ clusterSelector: 'region=us' })).toEqual(['prod-us', 'unlabelled']);
  });

  it('needs both to match when both are given', () => {
    expect(select({ environmentSelector: 'tier=prod', clusterSelector: 'region notin (eu)' })).toEqual(['prod-us', 'prod-ap']);
  });

  it('selects every environment without a selector, and an empty selector selects all too', () => {
    expect(select({})).toHaveLength(envs.length);
    expect(select({ environmentSelector: '' })).toHaveLength(envs.length);
  });

  it('reports a broken selector at its field path', () => {
    expect(parseEnvironmentSelectors({ environmentSelector: 'tier in (prod', clusterSelector: 'region=' }, 'waves[1]')).toEqual({
      ok: false,
      errors: [{ path: 'waves[1].environmentSelector', rule: 'label-selector', message: "waves[1].environmentSelector: expected ')' at 13" }],
    });
    expect(parseEnvironmentSelectors({ clusterSelector: ['a'] })).toMatchObject({ ok: false, errors: [{ path: 'clusterSelector', rule: 'type' }] });
    expect(parseEnvironmentSelectors({ environmentSelector: null })).toEqual({ ok: true, value: {} });
  });
});
