import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/fake-cluster.testing';
import { command, context, seedPrevious } from '../../test/drive.testing';
import { decide, initialDeploymentState } from './decide.machine';
import { commitKind, planCommit } from './status-commit.policy';
import type { DeploymentState } from '../model/deployment/deployment.types';
import type { Decision } from '../model/deployment/effect.types';

const blueGreen = context({ type: 'BlueGreen', autoPromotionEnabled: false });

/** A blue/green deployment that asked for its green pods, with none of them ready yet (the last decision written). */
function waitingForPods(): { state: DeploymentState; cluster: FakeCluster; now: number } {
  const cluster = seedPrevious(new FakeCluster(), blueGreen);
  let state = initialDeploymentState(blueGreen, 0);
  let now = 0;
  // Start, then ask for the green side: each a decision the cluster carries out (the pods are not ready yet).
  for (let i = 0; i < 3; i++) {
    const d = decide(state, cluster.observe(), [], now);
    cluster.apply(d.effects);
    state = d.state;
    now += 100;
  }
  cluster.progress(0);
  const settled = decide(state, cluster.observe(), [], now);
  return { state: settled.state, cluster, now: now + 100 };
}

function decision(state: DeploymentState, extra: Partial<Decision> = {}): Decision {
  return { state, effects: [], events: [], commands: [], wakeAt: null, ...extra };
}

function withStatus(state: DeploymentState, observedAt: number, ready: number): DeploymentState {
  return { ...state, status: { observedAt, step: null, sides: [{ side: 'green', workload: 'shop-green', release: 'v2', desired: 4, updated: 4, ready, available: ready }], newTrafficPercent: 0, services: {}, pods: [] } };
}

describe('commitKind', () => {
  it('the same world seen again, later, is nothing to write', () => {
    const { state, cluster, now } = waitingForPods();
    expect(commitKind(state, decide(state, cluster.observe(), [], now))).toBe('nothing');
    expect(commitKind(state, decide(state, cluster.observe(), [], now + 60_000))).toBe('nothing');
  });

  it('pods turning ready one by one, short of what the step waits for, are status only', () => {
    const { state, cluster, now } = waitingForPods();
    const kinds: string[] = [];
    let before = state;
    for (let i = 1; i <= 3; i++) {
      cluster.progress(1);
      const d = decide(before, cluster.observe(), [], now + i * 100);
      kinds.push(commitKind(before, d));
      before = d.state;
    }
    expect(kinds).toEqual(['status', 'status', 'status']);
  });

  it('the pod that completes the step is a decision (the machine moves on)', () => {
    const { state, cluster, now } = waitingForPods();
    cluster.progress();
    const d = decide(state, cluster.observe(), [], now);
    expect(d.state).not.toEqual(state);
    expect(commitKind(state, d)).toBe('decision');
  });

  it('a consumed command, an event or an effect is a decision even when the state is the same', () => {
    const { state } = waitingForPods();
    expect(commitKind(state, decision(state, { commands: [{ id: 'c1', status: 'rejected', result: 'no' }] }))).toBe('decision');
    expect(commitKind(state, decision(state, { events: [{ type: 'CommandRejected', message: 'no', data: {}, actor: 'alice' }] }))).toBe('decision');
    expect(commitKind(state, decision(state, { effects: [{ kind: 'scaleWorkload', name: 'shop-blue', replicas: 0 }] }))).toBe('decision');
  });

  it('a command handed to decide makes the tick a decision', () => {
    const { state, cluster, now } = waitingForPods();
    expect(commitKind(state, decide(state, cluster.observe(), [command('pause')], now))).toBe('decision');
  });

  it('a change of phase, step or failure beyond the status is a decision', () => {
    const { state } = waitingForPods();
    expect(commitKind(state, decision({ ...state, phase: 'Paused', pauseReason: 'UserPaused' }))).toBe('decision');
    expect(commitKind(state, decision({ ...state, failure: { code: 'ProgressDeadlineExceeded', reason: 'x', at: 1, data: {} } }))).toBe('decision');
  });
});

describe('planCommit', () => {
  const WRITE = { kind: 'status', write: true, deferUntil: null };
  const NOTHING = { kind: 'nothing', write: false, deferUntil: null };
  const defer = (at: number) => ({ kind: 'status', write: false, deferUntil: at });
  const base = (observedAt: number) => withStatus(waitingForPods().state, observedAt, 0);

  it('writes a status-only change once the committed status is an interval old, and defers it before', () => {
    const before = base(10_000);
    const after = withStatus(before, 10_400, 1);
    expect(planCommit(before, decision(after), 10_400, 1_000)).toEqual(defer(11_000));
    expect(planCommit(before, decision(after), 10_999, 1_000)).toEqual(defer(11_000));
    expect(planCommit(before, decision(after), 11_000, 1_000)).toEqual(WRITE);
    expect(planCommit(before, decision(after), 50_000, 1_000)).toEqual(WRITE);
  });

  it('an interval of 0 writes every status change at once', () => {
    const before = base(10_000);
    expect(planCommit(before, decision(withStatus(before, 10_001, 1)), 10_001, 0)).toEqual(WRITE);
  });

  it('a decision is written at once, however recent the committed status', () => {
    const before = base(10_000);
    const after = { ...withStatus(before, 10_100, 4), phase: 'Paused' as const, pauseReason: 'UserPaused' as const };
    expect(planCommit(before, decision(after), 10_100, 1_000)).toEqual({ kind: 'decision', write: true, deferUntil: null });
  });

  it('nothing changed: no write and no wake-up of its own', () => {
    const before = base(10_000);
    expect(planCommit(before, decision(withStatus(before, 10_500, 0)), 10_500, 1_000)).toEqual(NOTHING);
  });

  it('a first status (none committed yet) and a status stamped in the future by another clock are written at once', () => {
    const before = { ...base(0), status: null };
    expect(planCommit(before, decision(withStatus(before, 5, 1)), 5, 1_000)).toEqual(WRITE);
    const ahead = base(20_000);
    expect(planCommit(ahead, decision(withStatus(ahead, 10_000, 1)), 10_000, 1_000)).toEqual(WRITE);
  });
});
