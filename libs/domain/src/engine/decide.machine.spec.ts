import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/fake-cluster.testing';
import { command, context, drive, seedPrevious } from '../../test/drive.testing';
import { decide, initialDeploymentState } from './decide.machine';
import type { DeploymentState } from '../model/deployment/deployment.types';

const ctx = context({ type: 'Canary', steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }] });

function pausedAtStep(): { state: DeploymentState; cluster: FakeCluster; now: number } {
  const cluster = seedPrevious(new FakeCluster(), ctx);
  const result = drive(ctx, cluster, { maxTicks: 3 });
  expect(result.state).toMatchObject({ phase: 'Paused', pauseReason: 'PauseStep' });
  return { state: result.state, cluster, now: result.now };
}

describe('decide', () => {
  it('20 promotes of one paused step: exactly one applied, one step advanced, the rest refused', () => {
    const { state, cluster, now } = pausedAtStep();
    const promotes = Array.from({ length: 20 }, () => command('promote'));
    const d = decide(state, cluster.observe(), promotes, now);
    expect(d.commands.filter((c) => c.status === 'applied')).toHaveLength(1);
    expect(d.commands.filter((c) => c.status === 'rejected')).toHaveLength(19);
    expect(d.state.rollout).toMatchObject({ stepIndex: 2 });
    expect(d.events.filter((e) => e.type === 'CommandRejected')).toHaveLength(19);
  });

  it('a consumed command id is never applied again, even if handed in again', () => {
    const { state, cluster, now } = pausedAtStep();
    const promote = command('promote');
    const first = decide(state, cluster.observe(), [promote], now);
    cluster.apply(first.effects);
    cluster.progress();
    const second = decide(first.state, cluster.observe(), [promote], now + 1000);
    expect(second.commands).toEqual([]);
    expect(second.events.some((e) => e.type === 'CommandApplied')).toBe(false);
    expect(second.state.rollout).toMatchObject({ stepIndex: 3 });
    expect(second.state.pauseReason).toBe('PauseStep');
  });

  it('is pure: the input state is not modified and the output survives JSON', () => {
    const { state, cluster, now } = pausedAtStep();
    const before = JSON.stringify(state);
    const d = decide(state, cluster.observe(), [command('promote')], now);
    expect(JSON.stringify(state)).toBe(before);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(decide(state, cluster.observe(), [], now)).toEqual(decide(JSON.parse(before) as DeploymentState, cluster.observe(), [], now));
  });

  it('abort while Pending ends Aborted with nothing to restore', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const d = decide(initialDeploymentState(ctx, 0), cluster.observe(), [command('abort')], 0);
    expect(d.state.phase).toBe('Aborted');
    expect(d.effects.filter((e) => e.kind !== 'ensureService' && e.kind !== 'ensureWorkload')).toEqual([]);
    expect(d.wakeAt).toBeNull();
  });

  it('supersede ends as Superseded', () => {
    const { state, cluster, now } = pausedAtStep();
    const d = decide(state, cluster.observe(), [command('abort', { supersededBy: 'dep-2' } as never)], now);
    expect(d.state.phase).toBe('Superseded');
    expect(d.commands[0].result).toBe('superseded by dep-2');
  });

  it('captures what served before as the baseline', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx).seedWorkload('shop-canary', 'canary', 'v0', 0);
    const d = decide(initialDeploymentState(ctx, 0), cluster.observe(), [], 0);
    expect(d.state.baseline).toEqual({
      workloads: [{ name: 'shop-stable', role: 'stable', release: 'v1', replicas: 4 }],
      services: [{ name: 'shop', selector: { 'app.kubernetes.io/name': 'shop', 'cutover.dev/environment': 'prod' } }],
    });
    expect(d.events[0]).toMatchObject({ type: 'Started', actor: 'system', message: 'Deploying v2 with Canary; serving now: shop-stable (v1 × 4)' });
  });

  it('a strategy change goes straight to serving in the new objects, then retires the old ones', () => {
    const bg = context({ type: 'BlueGreen' });
    const cluster = seedPrevious(new FakeCluster(), context({ type: 'Recreate' }));
    const result = drive(bg, cluster);
    expect(result.state.phase).toBe('Succeeded');
    expect(cluster.workloads.get('shop')?.spec).toBe(0);
    expect(cluster.workloads.get('shop-blue')).toMatchObject({ release: 'v2', spec: 4 });
    expect(cluster.services.get('shop')).toMatchObject({ 'cutover.dev/role': 'blue' });
    // The Service switched only once blue was ready.
    const switchTick = result.decisions.findIndex((d) => d.effects.some((e) => e.kind === 'ensureService'));
    expect(switchTick).toBeGreaterThan(0);
  });

  it('retry after RolledBack runs the rollout again from the start', () => {
    const cluster = seedPrevious(new FakeCluster({ broken: { v2: 'crash' } }), ctx);
    const failed = drive(ctx, cluster);
    expect(failed.state.phase).toBe('RolledBack');
    cluster.options.broken = {};
    const retried = drive(ctx, cluster, { start: failed.state, commands: (s, i) => (i === 0 ? [command('retry')] : s.phase === 'Paused' ? [command('promote')] : []) });
    expect(retried.state.phase).toBe('Succeeded');
    expect(retried.state.failure).toBeNull();
  });
});
