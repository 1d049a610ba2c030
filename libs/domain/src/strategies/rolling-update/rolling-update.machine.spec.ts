import { describe, expect, it } from 'vitest';
import { decide, initialDeploymentState } from '../../engine/decide.machine';
import type { WorkloadObservation } from '../../model/deployment/observation.types';
import { FakeCluster, type Breakage } from '../../../test/fake-cluster.testing';
import { command, context, drive, phases, seedPrevious } from '../../../test/drive.testing';

const doc = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: '25%', minReadySeconds: 5, progressDeadlineSeconds: 120 };
const ctx = context(doc);

describe('RollingUpdate', () => {
  it('hands the parameters to the one Deployment and follows it to Succeeded', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster, { pods: () => 1 });
    expect(result.decisions[0].effects[0]).toEqual({
      kind: 'ensureWorkload',
      name: 'shop',
      role: 'primary',
      release: 'v2',
      replicas: 4,
      paused: false,
      updateStrategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: '25%', minReadySeconds: 5, progressDeadlineSeconds: 120 },
    });
    expect(result.state.phase).toBe('Succeeded');
    expect(result.decisions.length).toBe(5);
  });

  // Progressing × observation of `shop`
  const observed = (patch: Partial<WorkloadObservation>): WorkloadObservation => ({
    name: 'shop',
    role: 'primary',
    release: 'v2',
    generation: 2,
    observedGeneration: 2,
    specReplicas: 4,
    paused: false,
    replicas: 4,
    updatedReplicas: 4,
    readyReplicas: 4,
    availableReplicas: 4,
    unavailableReplicas: 0,
    conditions: [],
    ...patch,
  });
  it.each<[string, Partial<WorkloadObservation>, string]>([
    ['all updated and available', {}, 'Succeeded'],
    ['controller has not seen the new spec', { observedGeneration: 1 }, 'Progressing'],
    ['old pods still counted', { replicas: 5 }, 'Progressing'],
    ['not all updated', { updatedReplicas: 3 }, 'Progressing'],
    ['not all available', { availableReplicas: 3 }, 'Progressing'],
    ['still the old template', { release: 'v1' }, 'Progressing'],
    [
      'Kubernetes reports ProgressDeadlineExceeded',
      { availableReplicas: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "shop-7d" has timed out progressing.' }] },
      'RollingBack',
    ],
  ])('Progressing, %s → %s', (_name, patch, phase) => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const first = decide(initialDeploymentState(ctx, 0), cluster.observe(), [], 0);
    const obs = { ...cluster.observe(), workloads: { shop: observed(patch) } };
    expect(decide(first.state, obs, [], 1000).state.phase).toBe(phase);
  });

  it('pause sets spec.paused and resume clears it; nothing else moves while paused', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const pause = command('pause', { reason: 'looking at errors' });
    const resume = command('resume');
    const result = drive(ctx, cluster, { pods: () => 1, commands: (_s, i) => (i === 1 ? [pause] : i === 6 ? [resume] : []) });
    const paused = result.decisions[1];
    expect(paused.state).toMatchObject({ phase: 'Paused', pauseReason: 'UserPaused' });
    expect(paused.effects).toEqual([expect.objectContaining({ kind: 'ensureWorkload', name: 'shop', paused: true })]);
    expect(result.decisions.slice(2, 6).every((d) => d.effects.length === 0 && d.state.phase === 'Paused')).toBe(true);
    expect(result.decisions[6].effects).toEqual([expect.objectContaining({ kind: 'ensureWorkload', paused: false })]);
    expect(result.state.phase).toBe('Succeeded');
    expect(result.decisions[1].events.find((e) => e.type === 'CommandApplied')).toMatchObject({ actor: 'alice', message: 'pause by alice: looking at errors' });
  });

  it.each<[Breakage, string]>([
    ['crash', 'CrashLoopBackOff'],
    ['pull', 'ImagePullBackOff'],
    ['init', 'InitContainerFailed'],
    ['slow', 'ProgressDeadlineExceeded'],
  ])('%s → rolled back to v1 at its size (actor system)', (breakage, code) => {
    const cluster = seedPrevious(new FakeCluster({ broken: { v2: breakage } }), ctx);
    const result = drive(ctx, cluster);
    expect(result.state.failure?.code).toBe(code);
    expect(phases(result)).toEqual(['Progressing', 'RollingBack', 'RolledBack']);
    expect(cluster.workloads.get('shop')).toMatchObject({ release: 'v1', spec: 4, ready: 4 });
    const rollback = result.decisions.flatMap((d) => d.events).find((e) => e.type === 'RollbackStarted');
    expect(rollback).toMatchObject({ actor: 'system', data: { to: 'v1', automatic: true } });
  });

  it('a manual rollback restores v1 and is attributed to the actor', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster, { pods: () => 1, commands: (_s, i) => (i === 2 ? [command('rollback', { actor: 'bob' })] : []) });
    expect(result.state.phase).toBe('RolledBack');
    expect(result.decisions[2].events.find((e) => e.type === 'RollbackStarted')).toMatchObject({ actor: 'bob', data: { automatic: false } });
    expect(cluster.workloads.get('shop')).toMatchObject({ release: 'v1', spec: 4 });
  });
});
