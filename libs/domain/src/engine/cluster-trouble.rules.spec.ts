import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/fake-cluster.testing';
import { command, context, drive, seedPrevious } from '../../test/drive.testing';
import { CLUSTER_RETRY_MS, decideClusterTrouble } from './cluster-trouble.rules';
import { canApply } from './command.rules';
import { decide, initialDeploymentState } from './decide.machine';
import type { ClusterTrouble, DeploymentState } from '../model/deployment/deployment.types';

const ctx = context({ type: 'Canary', steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 100 }] });
const T0 = 1_000_000;
const TIMEOUT = 300_000;
const down: ClusterTrouble = { kind: 'unreachable', reason: 'unreachable: connection refused (https://k8s:6443)' };
const untouched = { touched: false, timeoutMs: TIMEOUT };
const touched = { touched: true, timeoutMs: TIMEOUT };

function progressing(): { state: DeploymentState; now: number } {
  const cluster = seedPrevious(new FakeCluster(), ctx);
  const result = drive(ctx, cluster, { maxTicks: 1 });
  expect(result.state.phase).toBe('Progressing');
  return { state: result.state, now: result.now };
}

describe('decideClusterTrouble', () => {
  it('surfaces the error once: on the deployment and as one event, then quietly until the timeout', () => {
    const pending = initialDeploymentState(ctx, T0);
    const first = decideClusterTrouble(pending, down, untouched, [], T0 + 10);
    expect(first.state.clusterError).toEqual({ ...down, since: T0 + 10 });
    expect(first.events.map((e) => e.type)).toEqual(['ClusterUnreachable']);
    expect(first.events[0]!.message).toMatch(/connection refused.*fails if this lasts 300s/);
    expect(first.state.phase).toBe('Pending');
    expect(first.wakeAt).toBe(T0 + 10 + CLUSTER_RETRY_MS);
    const again = decideClusterTrouble(first.state, down, untouched, [], T0 + 5_000);
    expect(again.events).toEqual([]);
    expect(again.state.clusterError?.since).toBe(T0 + 10);
  });

  it('a new kind of error is a new event, the trouble keeps its start', () => {
    const first = decideClusterTrouble(initialDeploymentState(ctx, T0), down, untouched, [], T0);
    const tls = decideClusterTrouble(first.state, { kind: 'unauthorized', reason: 'unauthorized (401): rejected' }, untouched, [], T0 + 1_000);
    expect(tls.events.map((e) => e.type)).toEqual(['ClusterUnreachable']);
    expect(tls.state.clusterError).toMatchObject({ kind: 'unauthorized', since: T0 });
  });

  it('a deployment that touched nothing fails with the reason after the timeout', () => {
    const first = decideClusterTrouble(initialDeploymentState(ctx, T0), down, untouched, [], T0);
    const before = decideClusterTrouble(first.state, down, untouched, [], T0 + TIMEOUT - 1);
    expect(before.state.phase).toBe('Pending');
    expect(before.wakeAt).toBe(T0 + TIMEOUT);
    const after = decideClusterTrouble(first.state, down, untouched, [], T0 + TIMEOUT);
    expect(after.state).toMatchObject({ phase: 'Failed', failure: { code: 'ClusterUnreachable', reason: down.reason } });
    expect(after.events.map((e) => e.type)).toEqual(['FailureDetected', 'PhaseChanged']);
    expect(after.wakeAt).toBeNull();
  });

  it('a deployment that touched the cluster pauses with it after the timeout, and a resume is allowed', () => {
    const { state, now } = progressing();
    const first = decideClusterTrouble(state, down, touched, [], now);
    expect(first.events[0]!.message).toMatch(/pauses if this lasts/);
    const after = decideClusterTrouble(first.state, down, touched, [], now + TIMEOUT);
    expect(after.state).toMatchObject({ phase: 'Paused', pauseReason: 'ClusterUnreachable', failure: null });
    expect(canApply(after.state, { type: 'resume' })).toEqual({ ok: true });
    // Once paused, later ticks in trouble change nothing.
    const later = decideClusterTrouble(after.state, down, touched, [], now + TIMEOUT + 60_000);
    expect(later.events).toEqual([]);
    expect(later.state.phase).toBe('Paused');
  });

  it('an abort of a deployment that never reached the cluster ends it at once; other commands wait', () => {
    const pending = initialDeploymentState(ctx, T0);
    const abort = command('abort');
    const pause = command('pause');
    const d = decideClusterTrouble(pending, down, untouched, [pause, abort], T0);
    expect(d.state.phase).toBe('Aborted');
    expect(d.commands).toEqual([{ id: abort.id, status: 'applied', result: expect.stringMatching(/^aborted: nothing was changed/) }]);
    expect(d.state.consumedCommandIds).toEqual([abort.id]);
    expect(d.wakeAt).toBeNull();
  });

  it('an abort of a deployment that touched the cluster waits for the cluster (it has something to restore)', () => {
    const { state, now } = progressing();
    const d = decideClusterTrouble(state, down, touched, [command('abort')], now);
    expect(d.commands).toEqual([]);
    expect(d.state.phase).toBe('Progressing');
  });

  it('the next tick that reaches the cluster clears the error with a ClusterReachable event; a paused one stays paused', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const start = drive(ctx, cluster, { maxTicks: 1 });
    const troubled = decideClusterTrouble(start.state, down, touched, [], start.now + 1);
    const paused = decideClusterTrouble(troubled.state, down, touched, [], start.now + 1 + TIMEOUT);
    const back = decide(paused.state, cluster.observe(), [], start.now + TIMEOUT + 10_000);
    expect(back.state.clusterError).toBeNull();
    expect(back.events.map((e) => e.type)).toContain('ClusterReachable');
    expect(back.state).toMatchObject({ phase: 'Paused', pauseReason: 'ClusterUnreachable' });
    const resumed = decide(back.state, cluster.observe(), [command('resume')], start.now + TIMEOUT + 11_000);
    expect(resumed.commands).toEqual([expect.objectContaining({ status: 'applied', result: 'resumed' })]);
    expect(resumed.state.pauseReason).not.toBe('ClusterUnreachable');
  });

  it('leaves an ended deployment alone', () => {
    const ended: DeploymentState = { ...initialDeploymentState(ctx, T0), phase: 'Aborted' };
    expect(decideClusterTrouble(ended, down, untouched, [command('abort')], T0)).toMatchObject({ events: [], commands: [], wakeAt: null, state: { phase: 'Aborted' } });
  });
});
