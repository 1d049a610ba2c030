import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/fake-cluster.testing';
import { command, context, drive, seedPrevious } from '../../test/drive.testing';

describe('status (what the API shows)', () => {
  it('canary by replicas: current step, both sides, traffic as the ready-pod ratio', () => {
    const ctx = context({ type: 'Canary', steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }] }, { replicas: 4 });
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster, { maxTicks: 3 });
    const status = result.state.status;
    expect(status?.step).toEqual({ id: 'step-2', index: 1, total: 4, title: 'Pause until promoted' });
    expect(status?.sides).toEqual([
      { side: 'canary', workload: 'shop-canary', release: 'v2', desired: 1, updated: 1, ready: 1, available: 1 },
      { side: 'stable', workload: 'shop-stable', release: 'v1', desired: 4, updated: 4, ready: 4, available: 4 },
    ]);
    expect(status?.newTrafficPercent).toBe(20);
    expect(status?.pods.find((p) => p.release === 'v2')?.progress).toBe('Running, ready');
  });

  it('blue/green: traffic follows the active Service', () => {
    const ctx = context({ type: 'BlueGreen', scaleDownDelaySeconds: 60 });
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const awaiting = drive(ctx, cluster, { maxTicks: 3 });
    expect(awaiting.state.status).toMatchObject({ step: { id: 'awaitPromotion' }, newTrafficPercent: 0 });
    const switched = drive(ctx, cluster, { start: awaiting.state, maxTicks: 2, commands: (_s, i) => (i === 0 ? [command('promote')] : []) });
    expect(switched.state.status).toMatchObject({ step: { id: 'scaleDownDelay' }, newTrafficPercent: 100 });
  });

  it('shows init container failures of the new release', () => {
    const ctx = context({ type: 'RollingUpdate' }, { previousRelease: null });
    const cluster = new FakeCluster({ broken: { v2: 'init' } });
    const result = drive(ctx, cluster, { maxTicks: 2 });
    expect(result.state.status?.pods[0]?.progress).toBe('`migrate` failed, exit 1, Init:CrashLoopBackOff');
    expect(result.state.failure?.reason).toContain('init container `migrate` failed, exit 1, Init:CrashLoopBackOff');
  });
});
