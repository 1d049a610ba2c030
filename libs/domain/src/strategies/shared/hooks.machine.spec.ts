import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../../test/fake-cluster.testing';
import { command, context, drive, phases, seedPrevious } from '../../../test/drive.testing';

describe('pre-deploy hooks', () => {
  const ctx = context({ type: 'RollingUpdate' }, { preDeployHooks: ['migrate', 'seed'] });

  it('run in order, one Job at a time, before any workload of the new release', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster);
    const kinds = cluster.applied.map((e) => (e.kind === 'ensureHookJob' ? `job:${e.hook}` : e.kind));
    expect(kinds.slice(0, 3)).toEqual(['job:migrate', 'job:seed', 'ensureWorkload']);
    expect(result.decisions[0].effects).toEqual([{ kind: 'ensureHookJob', name: 'shop-v2-migrate', release: 'v2', hook: 'migrate', attempt: 1 }]);
    expect(result.state.phase).toBe('Succeeded');
  });

  it('a failed hook fails the deployment with nothing else changed, even with a previous release', () => {
    const cluster = seedPrevious(new FakeCluster({ failingHooks: ['seed'] }), ctx);
    const result = drive(ctx, cluster);
    expect(result.state.phase).toBe('Failed');
    expect(result.state.failure).toMatchObject({ code: 'HookFailed', reason: expect.stringContaining('`seed`') });
    expect(cluster.applied.every((e) => e.kind === 'ensureHookJob')).toBe(true);
    expect(phases(result)).toEqual(['Progressing', 'Failed']);
  });

  it('retry after a failed hook runs it again as a new attempt and skips the hooks that succeeded', () => {
    const cluster = seedPrevious(new FakeCluster({ failingHooks: ['seed'] }), ctx);
    const failed = drive(ctx, cluster);
    cluster.options.failingHooks = [];
    const retry = command('retry');
    const result = drive(ctx, cluster, { start: failed.state, commands: (_s, i) => (i === 0 ? [retry] : []) });
    expect(result.decisions[0].commands).toEqual([{ id: retry.id, status: 'applied', result: 'restarted' }]);
    expect(result.decisions[0].effects[0]).toMatchObject({ kind: 'ensureHookJob', hook: 'seed', attempt: 2 });
    expect(result.state.phase).toBe('Succeeded');
  });

  it('a hook that never finishes fails at the progress deadline', () => {
    const slow = context({ type: 'Recreate', progressDeadlineSeconds: 60 }, { preDeployHooks: ['migrate'] });
    const cluster = seedPrevious(new FakeCluster(), slow);
    const result = drive(slow, cluster, { finishJobs: false, maxTicks: 100 });
    expect(result.state.phase).toBe('Failed');
    expect(result.state.failure).toMatchObject({ code: 'ProgressDeadlineExceeded', reason: expect.stringContaining('`migrate`') });
    expect(result.now).toBe(60_000);
    expect(cluster.applied.map((e) => e.kind)).toEqual(['ensureHookJob']);
  });
});
