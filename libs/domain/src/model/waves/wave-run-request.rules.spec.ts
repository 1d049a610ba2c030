import { describe, expect, it } from 'vitest';
import { parseWaveRunRequest } from './wave-run-request.rules';

const ok = { release: '2.0.0', waves: [{ environments: ['staging'], gate: { bake: '30s' } }, { name: 'prod', environments: ['eu', 'us'], maxParallel: 1, gate: { manual: true } }] };

function errorsOf(body: unknown) {
  const r = parseWaveRunRequest(body);
  if (r.ok) throw new Error('expected errors');
  return r.errors.map((e) => `${e.path} ${e.rule}`);
}

describe('parseWaveRunRequest', () => {
  it('reads a good body with its defaults', () => {
    const r = parseWaveRunRequest(ok);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.policy).toEqual({ stopOnFailure: true, rollbackCompleted: false, failureBudget: 0, supersede: false });
    expect(r.value.waves[0]).toMatchObject({ name: 'wave-1', environments: ['staging'], maxParallel: null, gate: { bakeSeconds: 30, manual: false, analysis: null, approval: null } });
    expect(r.value.waves[1]).toMatchObject({ name: 'prod', maxParallel: 1, gate: { manual: true } });
  });

  it('names every broken rule with its path', () => {
    expect(
      errorsOf({
        release: '',
        failureBudget: -1,
        waves: [
          { environments: [] },
          { environments: ['eu', 'eu'], maxParallel: 0, gate: { bake: 'soon', approval: { required: 0, from: ['root'] } } },
          { environments: ['x'], environmentSelector: 'tier=prod' },
          {},
        ],
      }),
    ).toEqual([
      'release type',
      'failureBudget range',
      'waves[0].environments notEmpty',
      'waves[1].maxParallel range',
      'waves[1].gate.bake duration',
      'waves[1].gate.approval.required range',
      'waves[1].gate.approval.from[0] oneOf',
      'waves[2].environments oneOf',
      'waves[3].environments required',
    ]);
  });

  it('refuses an environment twice across waves, naming the second place', () => {
    expect(errorsOf({ release: '1', waves: [{ environments: ['eu'] }, { environments: ['us', 'eu'] }] })).toEqual(['waves[1].environments[1] unique']);
  });

  it('refuses an empty run, unknown fields and wave names used twice', () => {
    expect(errorsOf({ release: '1', waves: [] })).toEqual(['waves notEmpty']);
    expect(errorsOf({ release: '1', waves: [{ environments: ['a'], dependsOn: ['x'] }] })).toEqual(['waves[0].dependsOn unknown-field']);
    expect(errorsOf({ release: '1', waves: [{ name: 'a', environments: ['a'] }, { name: 'a', environments: ['b'] }] })).toEqual(['waves[1].name unique']);
  });

  it('reads analysis and approval gates', () => {
    const r = parseWaveRunRequest({ release: '1', waves: [{ environments: ['a'], gate: { analysis: { templates: ['error-rate'] }, approval: true } }] });
    expect(r.ok && r.value.waves[0]!.gate).toMatchObject({ analysis: { templates: ['error-rate'], args: {}, metrics: [] }, approval: { required: 1, from: ['deployer'], excludeCreator: false } });
  });
});
