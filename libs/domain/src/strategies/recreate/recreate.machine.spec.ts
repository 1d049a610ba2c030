import { describe, expect, it } from 'vitest';
import { decide, initialDeploymentState } from '../../engine/decide.machine';
import type { DeploymentState } from '../../model/deployment/deployment.types';
import { FakeCluster, type Breakage } from '../../../test/fake-cluster.testing';
import { command, context, drive, phases, seedPrevious } from '../../../test/drive.testing';

const ctx = context({ type: 'Recreate', progressDeadlineSeconds: 120 });

function started(cluster: FakeCluster): DeploymentState {
  return decide(initialDeploymentState(ctx, 0), cluster.observe(), [], 0).state;
}

describe('Recreate', () => {
  it('scales the old version to zero, waits for its pods to go, then brings the new one up and records the downtime', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster);
    expect(result.state.phase).toBe('Succeeded');
    expect(cluster.applied).toEqual([
      { kind: 'scaleWorkload', name: 'shop', replicas: 0 },
      { kind: 'ensureWorkload', name: 'shop', role: 'primary', release: 'v2', replicas: 4, paused: false, updateStrategy: { type: 'Recreate', progressDeadlineSeconds: 120 } },
      { kind: 'ensureService', name: 'shop', selector: { 'app.kubernetes.io/name': 'shop', 'cutover.dev/environment': 'prod' } },
    ]);
    const downtime = result.decisions.flatMap((d) => d.events).find((e) => e.type === 'Downtime');
    expect(downtime?.data).toEqual({ startedAt: 0, endedAt: 10_000, seconds: 10 });
  });

  // state × observation: what the scale-down stage does
  it.each<[string, (c: FakeCluster) => void, string[]]>([
    ['old pods still there → waits', (c) => c.progress(0), []],
    ['old pods gone → brings the new version up', (c) => c.progress(), ['ensureWorkload', 'ensureService']],
  ])('scaleDown: %s', (_name, move, kinds) => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const first = decide(initialDeploymentState(ctx, 0), cluster.observe(), [], 0);
    cluster.apply(first.effects);
    move(cluster);
    const next = decide(first.state, cluster.observe(), [], 1000);
    expect(next.effects.map((e) => e.kind)).toEqual(kinds);
    expect(next.state.phase).toBe('Progressing');
  });

  it.each<[Breakage, string]>([
    ['crash', 'CrashLoopBackOff'],
    ['pull', 'ImagePullBackOff'],
    ['init', 'InitContainerFailed'],
    ['slow', 'ProgressDeadlineExceeded'],
  ])('a new release that %s rolls back to the previous one at its size', (breakage, code) => {
    const cluster = seedPrevious(new FakeCluster({ broken: { v2: breakage } }), ctx);
    const result = drive(ctx, cluster);
    expect(result.state.failure?.code).toBe(code);
    expect(phases(result)).toEqual(['Progressing', 'RollingBack', 'RolledBack']);
    expect(cluster.workloads.get('shop')).toMatchObject({ release: 'v1', spec: 4, ready: 4 });
  });

  it('without a previous release it goes straight to serving, and a failure stops at Failed scaled down', () => {
    const first = context({ type: 'Recreate' }, { previousRelease: null });
    const ok = drive(first, new FakeCluster());
    expect(ok.state.phase).toBe('Succeeded');
    const cluster = new FakeCluster({ broken: { v2: 'crash' } });
    const failed = drive(first, cluster);
    expect(failed.state.phase).toBe('Failed');
    expect(failed.state.failure?.reason).toContain('CrashLoopBackOff');
    expect(cluster.workloads.get('shop')?.spec).toBe(0);
    expect(failed.decisions.at(-1)?.events.at(-1)?.message).toContain('no previous release, objects left scaled down');
  });

  it.each<[string, string, boolean]>([
    ['promote', 'Progressing', false],
    ['pause', 'Paused', true],
    ['abort', 'Aborted', true],
    ['rollback', 'RollingBack', true],
  ])('command %s while scaling down → %s', (type, phase, applied) => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const c = command(type as 'promote');
    const next = decide(started(cluster), cluster.observe(), [c], 1000);
    expect(next.commands[0].status).toBe(applied ? 'applied' : 'rejected');
    expect(next.state.phase).toBe(phase);
  });

  it('abort restores the old version at its size', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster, { commands: (_s, i) => (i === 1 ? [command('abort')] : []) });
    expect(result.state.phase).toBe('Aborted');
    cluster.progress();
    expect(cluster.workloads.get('shop')).toMatchObject({ release: 'v1', spec: 4, ready: 4 });
  });

  it('redeploying the same release still waits for the old pods to terminate', () => {
    const same = context({ type: 'Recreate' }, { release: 'v1', previousRelease: 'v1' });
    const cluster = seedPrevious(new FakeCluster(), same);
    const first = decide(initialDeploymentState(same, 0), cluster.observe(), [], 0);
    cluster.apply(first.effects);
    const waiting = decide(first.state, cluster.observe(), [], 1000);
    expect(waiting.effects).toEqual([]);
    cluster.progress();
    expect(decide(waiting.state, cluster.observe(), [], 2000).effects.map((e) => e.kind)).toEqual(['ensureWorkload', 'ensureService']);
  });
});
