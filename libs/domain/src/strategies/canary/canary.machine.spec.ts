import { describe, expect, it } from 'vitest';
import { decide, initialDeploymentState } from '../../engine/decide.machine';
import type { DeploymentState } from '../../model/deployment/deployment.types';
import type { SetCanaryWeightEffect } from '../../model/deployment/effect.types';
import { FakeCluster, type Breakage } from '../../../test/fake-cluster.testing';
import { command, context, drive, phases, seedPrevious } from '../../../test/drive.testing';
import { canaryReplicas } from './canary.plan';

const steps = [{ setWeight: 20 }, { pause: { duration: '30s' } }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }];
const byReplicas = context({ type: 'Canary', trafficRouting: { type: 'replicas' }, steps }, { replicas: 10 });
const header = { name: 'X-Canary', value: 'always' };
const nginx = context({ type: 'Canary', trafficRouting: { type: 'nginx', host: 'shop.example.com', header }, steps }, { replicas: 10 });
const gateway = context({ type: 'Canary', trafficRouting: { type: 'gatewayApi', parentRef: { name: 'edge' }, header }, steps }, { replicas: 10 });
const promoteAtPause = (s: DeploymentState) => (s.phase === 'Paused' && s.pauseReason === 'PauseStep' ? [command('promote')] : []);

describe('canaryReplicas: ceil(N·w/100), at least 1 when w > 0', () => {
  it.each([
    [10, 0, 0],
    [10, 1, 1],
    [10, 20, 2],
    [10, 25, 3],
    [10, 50, 5],
    [10, 100, 10],
    [3, 10, 1],
    [3, 34, 2],
    [1, 1, 1],
    [4, 20, 1],
  ])('N=%d w=%d → %d', (n, w, pods) => {
    expect(canaryReplicas(n, w, null)).toBe(pods);
  });
  it.each([
    [{ replicas: 3 }, 3],
    [{ replicas: 50 }, 10],
    [{ weight: 50 }, 5],
    [{ matchTrafficWeight: true as const }, 2],
  ])('setCanaryScale %j with N=10, w=20 → %d', (scale, pods) => {
    expect(canaryReplicas(10, 20, scale)).toBe(pods);
  });
});

describe('Canary by replicas', () => {
  it('walks the steps with stable at N, then moves stable to the new release and removes the canary', () => {
    const cluster = seedPrevious(new FakeCluster(), byReplicas);
    const sizes: Array<[number, number]> = [];
    const result = drive(byReplicas, cluster, {
      commands: (s) => (s.phase === 'Paused' && s.rollout?.kind === 'canary' && s.rollout.stepIndex === 3 ? [command('promote')] : []),
      check: (_d, c) => sizes.push([c.workloads.get('shop-stable')?.spec ?? 0, c.workloads.get('shop-canary')?.spec ?? 0]),
    });
    expect(result.state.phase).toBe('Succeeded');
    expect([...new Set(sizes.map((s) => s.join('+')))]).toEqual(['10+2', '10+5', '10+10', '10+0']);
    expect(phases(result)).toEqual(['Progressing', 'Paused(PauseStep)', 'Progressing', 'Paused(PauseStep)', 'Progressing', 'Succeeded']);
    expect(cluster.workloads.get('shop-stable')).toMatchObject({ release: 'v2', spec: 10 });
    const pause = result.decisions.find((d) => d.state.pauseReason === 'PauseStep');
    expect(pause?.wakeAt).toBe(pause!.state.phaseSince + 30_000);
  });

  it('promote full finishes from any step', () => {
    const cluster = seedPrevious(new FakeCluster(), byReplicas);
    const result = drive(byReplicas, cluster, { commands: (s) => (s.phase === 'Paused' ? [command('promote', { full: true } as never)] : []) });
    expect(result.state.phase).toBe('Succeeded');
    expect(cluster.applied.filter((e) => e.kind === 'ensureWorkload' && e.name === 'shop-canary').map((e) => (e.kind === 'ensureWorkload' ? e.replicas : 0))).toEqual([2]);
  });

  it.each<Breakage>(['crash', 'pull', 'init', 'slow'])('%s canary → RolledBack, canary at zero, stable untouched', (breakage) => {
    const cluster = seedPrevious(new FakeCluster({ broken: { v2: breakage } }), byReplicas);
    const result = drive(byReplicas, cluster);
    expect(result.state.phase).toBe('RolledBack');
    expect(cluster.workloads.get('shop-canary')?.spec).toBe(0);
    expect(cluster.workloads.get('shop-stable')).toMatchObject({ release: 'v1', spec: 10 });
  });

  it('a check step that fails rolls back; a passing one moves on', () => {
    const withCheck = context({ type: 'Canary', steps: [{ setWeight: 10 }, { check: { name: 'errors', url: 'http://shop/healthz' } }, { setWeight: 100 }] });
    const failing = seedPrevious(new FakeCluster({ checkOutcome: { errors: 'Failed' } }), withCheck);
    expect(drive(withCheck, failing).state).toMatchObject({ phase: 'RolledBack', failure: { code: 'CheckFailed' } });
    const passing = seedPrevious(new FakeCluster(), withCheck);
    const ok = drive(withCheck, passing);
    expect(ok.state.phase).toBe('Succeeded');
    expect(passing.applied).toContainEqual(expect.objectContaining({ kind: 'runCheck', checkId: 'step2-1-a1' }));
  });

  it('an inconclusive check step pauses; promote accepts it, retry runs it again', () => {
    const withCheck = context({ type: 'Canary', steps: [{ setWeight: 10 }, { check: { name: 'errors', url: 'http://shop/healthz' } }] });
    const cluster = seedPrevious(new FakeCluster({ checkOutcome: { errors: 'Inconclusive' } }), withCheck);
    const paused = drive(withCheck, cluster);
    expect(paused.state).toMatchObject({ phase: 'Paused', pauseReason: 'Inconclusive' });
    const retried = decide(paused.state, cluster.observe(), [command('retry')], paused.now + 1);
    expect(retried.effects).toEqual([expect.objectContaining({ kind: 'runCheck', checkId: 'step2-1-a2' })]);
    expect(retried.state.phase).toBe('Progressing');
    const accepted = drive(withCheck, cluster, { start: paused.state, commands: (_s, i) => (i === 0 ? [command('promote')] : []) });
    expect(accepted.state.phase).toBe('Succeeded');
  });

  it('setCanaryScale decouples pods from weight until matchTrafficWeight', () => {
    const scaled = context({ type: 'Canary', steps: [{ setCanaryScale: { replicas: 3 } }, { setWeight: 10 }, { setCanaryScale: { matchTrafficWeight: true } }] }, { replicas: 10 });
    const cluster = seedPrevious(new FakeCluster(), scaled);
    drive(scaled, cluster);
    const canary = cluster.applied.filter((e) => e.kind === 'ensureWorkload' && e.name === 'shop-canary').map((e) => (e.kind === 'ensureWorkload' ? e.replicas : 0));
    expect(canary).toEqual([3, 3, 1]);
  });
});

describe.each([
  ['nginx', nginx],
  ['gatewayApi', gateway],
])('Canary by %s', (_name, ctx) => {
  const weights = (c: FakeCluster) => c.applied.filter((e): e is SetCanaryWeightEffect => e.kind === 'setCanaryWeight').map((e) => [e.weight, e.header !== null]);

  it('creates stable/canary Services, sets each weight once the canary pods are ready, ends on stable with no header rule', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster, { pods: () => 1, commands: promoteAtPause });
    expect(result.state.phase).toBe('Succeeded');
    expect(weights(cluster)).toEqual([
      [0, false],
      [20, true],
      [50, true],
      [100, true],
      [0, false],
    ]);
    const set20 = result.decisions.findIndex((d) => d.effects.some((e) => e.kind === 'setCanaryWeight' && e.weight === 20));
    expect(set20).toBe(2); // canary pods go 0 → 1 → 2 first
    expect(cluster.services.get('shop-canary')).toMatchObject({ 'cutover.dev/role': 'canary' });
    const last = cluster.applied.filter((e): e is SetCanaryWeightEffect => e.kind === 'setCanaryWeight').at(-1);
    expect(last).toMatchObject({ stableService: 'shop-stable', canaryService: 'shop-canary', routing: { type: ctx.strategy.type === 'Canary' ? ctx.strategy.trafficRouting.type : '' } });
  });

  it('abort puts all traffic on stable and scales the canary to zero', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const abort = command('abort');
    const result = drive(ctx, cluster, { commands: (s) => (s.phase === 'Paused' ? [abort] : []) });
    expect(result.state.phase).toBe('Aborted');
    expect(cluster.traffic).toEqual({ canaryWeight: 0, headerRoute: false });
    expect(cluster.workloads.get('shop-canary')?.spec).toBe(0);
    expect(cluster.workloads.get('shop-stable')).toMatchObject({ release: 'v1', spec: 10 });
    expect(result.decisions.at(-1)?.commands).toEqual([{ id: abort.id, status: 'applied', result: 'aborted: all traffic back on the previous release' }]);
  });

  it('a failure during the finish restores stable to the previous release', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const finishing = drive(ctx, cluster, { commands: promoteAtPause, maxTicks: 6 });
    expect(finishing.state.rollout).toMatchObject({ stage: 'finish' });
    const next = decide(finishing.state, cluster.observe(), [command('rollback')], finishing.now + 1);
    cluster.apply(next.effects);
    expect(cluster.workloads.get('shop-stable')).toMatchObject({ release: 'v1', spec: 10 });
    expect(cluster.traffic?.canaryWeight).toBe(0);
  });
});

describe('Canary, first deployment', () => {
  it('goes straight to stable at N with the route at 0', () => {
    const first = context({ type: 'Canary', trafficRouting: { type: 'nginx', host: 'shop.example.com' }, steps }, { previousRelease: null });
    const cluster = new FakeCluster();
    const start = decide(initialDeploymentState(first, 0), cluster.observe(), [], 0);
    expect(start.effects.map((e) => e.kind)).toEqual(['ensureWorkload', 'ensureService', 'ensureService', 'setCanaryWeight']);
    expect(drive(first, cluster).state.phase).toBe('Succeeded');
    expect(cluster.workloads.has('shop-canary')).toBe(false);
  });
});
