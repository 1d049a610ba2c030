import { describe, expect, it } from 'vitest';
import { noGate, runInit, start, tick, World } from '../../../test/wave-run.testing';
import { applyWaveRunCommand, canApplyWaveRunCommand, decideWaveRun, gateWaitsFor, initialWaveRunState } from './wave-run.machine';
import type { WaveRunCommand } from '../../model/waves/wave-run.types';

const cmd = (type: WaveRunCommand['type'], actor = 'bob', role: WaveRunCommand['role'] = 'deployer'): WaveRunCommand => ({ type, actor, role, reason: null });

describe('wave run machine', () => {
  it('starts the first wave at creation and leaves the others pending', () => {
    const d = initialWaveRunState(runInit([{ envs: ['eu', 'us'] }, { envs: ['asia'] }]), 1_000);
    expect(d.state.phase).toBe('Running');
    expect(d.state.waves.map((w) => w.phase)).toEqual(['Running', 'Pending']);
    expect(d.effects).toEqual([{ kind: 'startDeployments', wave: 0, environments: ['eu', 'us'] }]);
    expect(d.state.waves[0]!.environments.map((e) => e.phase)).toEqual(['Starting', 'Starting']);
    expect(d.wakeAt).toBeNull();
  });

  it('runs two waves with a bake gate: waits for every environment, bakes, then starts the next wave', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['eu', 'us'], gate: { bakeSeconds: 30 } }, { envs: ['asia'] }]));
    expect(w.started).toEqual(['eu', 'us']);
    w.set('eu', 'Succeeded');
    s = tick(w, s, 2_000).state;
    expect(s.waves[0]!.phase).toBe('Running');
    w.set('us', 'Succeeded');
    const baking = tick(w, s, 3_000);
    s = baking.state;
    expect(s.waves[0]!.phase).toBe('Gate');
    expect(baking.decision.wakeAt).toBe(33_000);
    expect(gateWaitsFor(s.waves[0]!, 3_000)).toEqual(['bake']);
    expect(tick(w, s, 32_999).state.waves[0]!.phase).toBe('Gate');
    const opened = tick(w, s, 33_000);
    s = opened.state;
    expect(s.waves.map((x) => x.phase)).toEqual(['Passed', 'Running']);
    expect(opened.decision.effects).toEqual([{ kind: 'startDeployments', wave: 1, environments: ['asia'] }]);
    expect(w.started).toEqual(['eu', 'us', 'asia']);
    w.set('asia', 'Succeeded');
    s = tick(w, s, 34_000).state;
    expect(s.phase).toBe('Succeeded');
    expect(s.waves.map((x) => x.phase)).toEqual(['Passed', 'Passed']);
    expect(s.history.map((e) => e.type)).toContain('WaveGateOpened');
  });

  it('starts at most maxParallel environments at once', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a', 'b', 'c'], maxParallel: 2 }]));
    expect(w.started).toEqual(['a', 'b']);
    s = tick(w, s, 2_000).state;
    expect(w.started).toEqual(['a', 'b']);
    w.set('a', 'Succeeded');
    s = tick(w, s, 3_000).state;
    expect(w.started).toEqual(['a', 'b', 'c']);
    expect(s.waves[0]!.environments.map((e) => e.phase)).toEqual(['Succeeded', 'Pending', 'Pending']);
  });

  it('stops on the first failure by default: no further wave, ends Failed once nothing runs', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a', 'b'] }, { envs: ['c'] }]));
    w.set('a', 'Failed');
    s = tick(w, s, 2_000).state;
    expect(s.stopping?.reason).toMatch(/1 environment\(s\) failed/);
    expect(s.phase).toBe('Running');
    w.set('b', 'Succeeded');
    s = tick(w, s, 3_000).state;
    expect(s.phase).toBe('Failed');
    expect(s.waves.map((x) => x.phase)).toEqual(['Failed', 'Skipped']);
    expect(w.started).toEqual(['a', 'b']);
  });

  it('lets failureBudget environments fail and goes on', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a', 'b'] }, { envs: ['c'] }], { failureBudget: 1 }));
    w.set('a', 'RolledBack');
    w.set('b', 'Succeeded');
    s = tick(w, s, 2_000).state;
    expect(s.waves.map((x) => x.phase)).toEqual(['Passed', 'Running']);
    w.set('c', 'Aborted');
    s = tick(w, s, 3_000).state;
    expect(s.phase).toBe('Failed');
    expect(s.failures).toBe(2);
  });

  it('with stopOnFailure false runs every wave, and ends Failed when failures passed the budget', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a'] }, { envs: ['b'] }], { stopOnFailure: false }));
    w.set('a', 'Failed');
    s = tick(w, s, 2_000).state;
    expect(w.started).toEqual(['a', 'b']);
    w.set('b', 'Succeeded');
    s = tick(w, s, 3_000).state;
    expect(s.phase).toBe('Failed');
  });

  it('counts an environment that could not start (busy) as a failure', () => {
    const w = new World();
    w.refuse.add('b');
    let s = start(w, runInit([{ envs: ['a', 'b'] }, { envs: ['c'] }]));
    expect(s.failures).toBe(1);
    expect(s.waves[0]!.environments[1]).toMatchObject({ phase: 'Refused', reason: 'busy' });
    w.set('a', 'Succeeded');
    s = tick(w, s, 2_000).state;
    expect(s.phase).toBe('Failed');
  });

  it('rolls back completed environments newest wave first when rollbackCompleted and the run fails', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a'] }, { envs: ['b', 'c'] }], { rollbackCompleted: true }));
    w.set('a', 'Succeeded');
    s = tick(w, s, 2_000).state;
    w.set('b', 'Succeeded');
    w.set('c', 'Failed');
    const ended = tick(w, s, 3_000);
    expect(ended.state.phase).toBe('Failed');
    expect(ended.decision.effects).toEqual([{ kind: 'rollbackDeployments', deploymentIds: ['dep-b', 'dep-a'], reason: expect.any(String) }]);
    expect(tick(w, ended.state, 4_000).decision.effects).toEqual([]);
  });

  it('a manual gate waits for a promote; promote is refused before the gate', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a'], gate: { manual: true } }, { envs: ['b'] }]));
    expect(canApplyWaveRunCommand(s, cmd('promote'), 1_500)).toMatchObject({ ok: false, reason: expect.stringMatching(/no gate is waiting/) });
    w.set('a', 'Succeeded');
    s = tick(w, s, 2_000).state;
    expect(gateWaitsFor(s.waves[0]!, 2_000)).toEqual(['promotion']);
    expect(tick(w, s, 99_000).state.waves[0]!.phase).toBe('Gate');
    expect(canApplyWaveRunCommand(s, cmd('promote'), 3_000)).toEqual({ ok: true });
    s = applyWaveRunCommand(s, cmd('promote'), 3_000).state;
    expect(s.waves[0]!.gateState.promotedBy).toBe('bob');
    expect(canApplyWaveRunCommand(s, cmd('promote'), 3_000).ok).toBe(false);
    s = tick(w, s, 3_001).state;
    expect(s.waves.map((x) => x.phase)).toEqual(['Passed', 'Running']);
  });

  it('an approval gate needs distinct admitted approvers', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a'], gate: { approval: { required: 2, from: ['deployer'], excludeCreator: true } } }, { envs: ['b'] }]));
    w.set('a', 'Succeeded');
    s = tick(w, s, 2_000).state;
    expect(canApplyWaveRunCommand(s, cmd('promote', 'alice'), 2_000)).toMatchObject({ ok: false, reason: expect.stringMatching(/creator/) });
    expect(canApplyWaveRunCommand(s, cmd('promote', 'vic', 'viewer'), 2_000)).toMatchObject({ ok: false, reason: expect.stringMatching(/admits deployer/) });
    s = applyWaveRunCommand(s, cmd('promote', 'bob'), 2_000).state;
    expect(canApplyWaveRunCommand(s, cmd('promote', 'bob'), 2_000)).toMatchObject({ ok: false, reason: expect.stringMatching(/already approved/) });
    expect(tick(w, s, 2_001).state.waves[0]!.phase).toBe('Gate');
    s = applyWaveRunCommand(s, cmd('promote', 'carol', 'admin'), 2_002).state;
    expect(tick(w, s, 2_003).state.waves[1]!.phase).toBe('Running');
  });

  it('an analysis gate asks for a measurement and follows its verdict', () => {
    const w = new World();
    const analysis = { templates: ['error-rate'], args: {}, metrics: [] };
    let s = start(w, runInit([{ envs: ['a'], gate: { analysis } }, { envs: ['b'] }]));
    w.set('a', 'Succeeded');
    const reached = tick(w, s, 2_000);
    expect(reached.decision.effects).toEqual([{ kind: 'runGateAnalysis', wave: 0 }]);
    s = reached.state;
    expect(decideWaveRun(s, { ...w.observation(), analysis: 'Running' }, 3_000).state.waves[0]!.phase).toBe('Gate');
    expect(decideWaveRun(s, { ...w.observation(), analysis: 'Successful' }, 3_000).state.waves[1]!.phase).toBe('Running');
    const failed = decideWaveRun(s, { ...w.observation(), analysis: 'Failed' }, 3_000).state;
    expect(failed.phase).toBe('Failed');
    expect(failed.waves.map((x) => x.phase)).toEqual(['Failed', 'Skipped']);
  });

  it('pause holds the run at the gate; resume lets the next wave start', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a'] }, { envs: ['b'] }]));
    s = applyWaveRunCommand(s, cmd('pause'), 1_500).state;
    expect(s).toMatchObject({ phase: 'Paused', pauseReason: 'UserPaused' });
    expect(canApplyWaveRunCommand(s, cmd('pause'), 1_500).ok).toBe(false);
    w.set('a', 'Succeeded');
    s = tick(w, s, 2_000).state;
    expect(s.waves.map((x) => x.phase)).toEqual(['Gate', 'Pending']);
    expect(w.started).toEqual(['a']);
    s = applyWaveRunCommand(s, cmd('resume'), 3_000).state;
    expect(tick(w, s, 3_001).state.waves[1]!.phase).toBe('Running');
    expect(w.started).toEqual(['a', 'b']);
  });

  it('abort ends the run at once, aborts what is in flight and starts nothing more', () => {
    const w = new World();
    let s = start(w, runInit([{ envs: ['a', 'b'] }, { envs: ['c'] }]));
    w.set('a', 'Succeeded');
    s = tick(w, s, 2_000).state;
    const aborted = applyWaveRunCommand(s, { type: 'abort', actor: 'bob', role: 'deployer', reason: 'bad metrics' }, 3_000);
    expect(aborted.state.phase).toBe('Aborted');
    expect(aborted.effects).toEqual([{ kind: 'abortDeployments', deploymentIds: ['dep-b'], reason: 'wave run aborted by bob: bad metrics' }]);
    expect(aborted.state.waves.map((x) => x.phase)).toEqual(['Aborted', 'Skipped']);
    const after = decideWaveRun(aborted.state, w.observation(), 4_000);
    expect(after.effects).toEqual([]);
    expect(after.wakeAt).toBeNull();
    for (const t of ['abort', 'pause', 'resume', 'promote'] as const) expect(canApplyWaveRunCommand(aborted.state, cmd(t), 4_000).ok).toBe(false);
  });

  it('a gate with nothing to wait for opens in the tick the wave ended; no gate config is noGate', () => {
    expect(noGate).toEqual({ bakeSeconds: null, manual: false, analysis: null, approval: null });
    const w = new World();
    let s = start(w, runInit([{ envs: ['a'] }, { envs: ['b'] }]));
    w.set('a', 'Succeeded');
    s = tick(w, s, 2_000).state;
    expect(s.waves.map((x) => x.phase)).toEqual(['Passed', 'Running']);
  });
});
