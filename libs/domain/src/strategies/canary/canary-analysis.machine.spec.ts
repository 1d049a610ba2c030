import { describe, expect, it } from 'vitest';
import { analysisGates } from '../../model/analysis/analysis-gates.rules';
import { FakeCluster } from '../../../test/fake-cluster.testing';
import { command, context, drive, phases, seedPrevious } from '../../../test/drive.testing';

const metric = { name: 'rate', provider: { prometheus: { address: 'http://prom:9090', query: 'x' } }, successCondition: 'result[0] >= 0.95', interval: '1s', count: 3 };
const withStep = context({ type: 'Canary', steps: [{ setWeight: 20 }, { analysis: { metrics: [metric] } }, { setWeight: 50 }, { analysis: { metrics: [metric] } }] }, { replicas: 10 });
const withBackground = context(
  { type: 'Canary', steps: [{ setWeight: 20 }, { pause: { duration: 10 } }, { setWeight: 50 }, { pause: { duration: 10 } }], backgroundAnalysis: { metrics: [{ ...metric, count: undefined }] } },
  { replicas: 10 },
);

describe('Canary analysis step (blocking)', () => {
  it('is promoted through its steps by analysis alone', () => {
    const cluster = seedPrevious(new FakeCluster(), withStep);
    const result = drive(withStep, cluster);
    expect(result.state.phase).toBe('Succeeded');
    const events = result.decisions.flatMap((d) => d.events.map((e) => e.type));
    expect(events.filter((e) => e === 'AnalysisStarted')).toHaveLength(2);
    expect(events.filter((e) => e === 'AnalysisSuccessful')).toHaveLength(2);
    expect(cluster.applied.filter((e) => e.kind === 'runAnalysis').map((e) => (e.kind === 'runAnalysis' ? e.runId : ''))).toEqual(['step2-1', 'step4-2']);
  });

  it('a failed analysis rolls back with the measured values in the failure', () => {
    const cluster = seedPrevious(new FakeCluster({ analysisOutcome: { 'step4-2': 'Failed' } }), withStep);
    const result = drive(withStep, cluster);
    expect(result.state.phase).toBe('RolledBack');
    expect(result.state.failure).toMatchObject({ code: 'AnalysisFailed', data: { runId: 'step4-2', metrics: [expect.objectContaining({ name: 'rate', lastValue: '1' })] } });
    expect(cluster.workloads.get('shop-canary')?.spec).toBe(0);
  });

  it('an erroring analysis never passes: it fails the rollout', () => {
    const cluster = seedPrevious(new FakeCluster({ analysisOutcome: { step: 'Error' } }), withStep);
    expect(drive(withStep, cluster).state.phase).toBe('RolledBack');
  });

  it('inconclusive pauses; promote goes on, retry measures again, abort rolls back', () => {
    const promoted = drive(withStep, seedPrevious(new FakeCluster({ analysisOutcome: { 'step2-1': 'Inconclusive' } }), withStep), {
      commands: (s) => (s.pauseReason === 'Inconclusive' ? [command('promote')] : []),
    });
    expect(phases(promoted)).toContain('Paused(Inconclusive)');
    expect(promoted.state.phase).toBe('Succeeded');

    const cluster = seedPrevious(new FakeCluster({ analysisOutcome: { 'step2-1': 'Inconclusive' } }), withStep);
    const retried = drive(withStep, cluster, { commands: (s) => (s.pauseReason === 'Inconclusive' ? [command('retry')] : []) });
    expect(retried.state.phase).toBe('Succeeded');
    expect(cluster.applied.filter((e) => e.kind === 'runAnalysis').map((e) => (e.kind === 'runAnalysis' ? e.runId : ''))).toEqual(['step2-1', 'step2-2', 'step4-3']);

    const aborted = drive(withStep, seedPrevious(new FakeCluster({ analysisOutcome: { 'step2-1': 'Inconclusive' } }), withStep), {
      commands: (s) => (s.pauseReason === 'Inconclusive' ? [command('abort')] : []),
    });
    expect(aborted.state.phase).toBe('Aborted');
  });
});

describe('Canary background analysis', () => {
  it('runs beside the steps from the start and stops mattering when it keeps passing', () => {
    const cluster = seedPrevious(new FakeCluster(), withBackground);
    const result = drive(withBackground, cluster);
    expect(result.state.phase).toBe('Succeeded');
    expect(result.decisions[0]!.effects.some((e) => e.kind === 'runAnalysis' && e.where === 'background')).toBe(true);
  });

  it('fails the rollout the moment it fails, whatever step it is at', () => {
    const cluster = seedPrevious(new FakeCluster(), withBackground);
    let failedAt: number | null = null;
    const result = drive(withBackground, cluster, {
      check: (d) => {
        if (failedAt === null && d.state.rollout?.kind === 'canary' && d.state.rollout.stepIndex === 1) {
          failedAt = d.state.rollout.stepIndex;
          cluster.analyses.get('background-1')!.phase = 'Failed';
        }
      },
    });
    expect(result.state.phase).toBe('RolledBack');
    expect(result.state.failure?.code).toBe('AnalysisFailed');
  });

  it('inconclusive pauses; promote accepts it without skipping the step; retry starts a new run', () => {
    const cluster = seedPrevious(new FakeCluster({ analysisOutcome: { 'background-1': 'Inconclusive' } }), withBackground);
    const accepted = drive(withBackground, cluster, { commands: (s) => (s.pauseReason === 'Inconclusive' ? [command('promote')] : []) });
    expect(accepted.state.phase).toBe('Succeeded');
    const started = accepted.decisions.flatMap((d) => d.events).filter((e) => e.type === 'StepStarted').length;
    expect(started).toBe(5);

    const c2 = seedPrevious(new FakeCluster({ analysisOutcome: { 'background-1': 'Inconclusive' } }), withBackground);
    const retried = drive(withBackground, c2, { commands: (s) => (s.pauseReason === 'Inconclusive' ? [command('retry')] : []) });
    expect(retried.state.phase).toBe('Succeeded');
    expect(c2.analyses.has('background-2')).toBe(true);
  });
});

describe('Blue/green pre- and post-promotion analysis', () => {
  const bg = context(
    { type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 0, scaleDownDelaySeconds: 0, prePromotionAnalysis: { metrics: [metric] }, postPromotionAnalysis: { metrics: [metric] } },
    { replicas: 3 },
  );
  it('runs pre before the switch and post after it', () => {
    const cluster = seedPrevious(new FakeCluster(), bg);
    const result = drive(bg, cluster);
    expect(result.state.phase).toBe('Succeeded');
    expect([...cluster.analyses.keys()]).toEqual(['prePromotion-1', 'postPromotion-2']);
  });
  it('a failing pre-promotion analysis rolls back before any traffic moved', () => {
    const cluster = seedPrevious(new FakeCluster({ analysisOutcome: { prePromotion: 'Failed' } }), bg);
    const result = drive(bg, cluster);
    expect(result.state.phase).toBe('RolledBack');
    expect(cluster.analyses.has('postPromotion-2')).toBe(false);
  });
});

describe('analysisGates (for the plan / dry-run)', () => {
  it('lists where a strategy runs analyses, background first', () => {
    expect(analysisGates(withStep.strategy).map((g) => [g.where, g.step, g.blocking, g.minSeconds])).toEqual([
      ['step', 1, true, 2],
      ['step', 3, true, 2],
    ]);
    expect(analysisGates(withBackground.strategy)[0]).toMatchObject({ where: 'background', blocking: false, minSeconds: 0, metrics: ['rate'] });
  });
});
