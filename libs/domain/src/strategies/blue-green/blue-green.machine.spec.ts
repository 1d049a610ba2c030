import { describe, expect, it } from 'vitest';
import { decide, initialDeploymentState } from '../../engine/decide.machine';
import type { DeploymentState } from '../../model/deployment/deployment.types';
import { FakeCluster } from '../../../test/fake-cluster.testing';
import { command, context, drive, phases, seedPrevious } from '../../../test/drive.testing';

const selector = (role: string) => ({ 'app.kubernetes.io/name': 'shop', 'cutover.dev/environment': 'prod', 'cutover.dev/role': role });
const check = (name: string) => ({ name, url: 'http://shop-preview/healthz', timeout: 1, interval: 1, count: 1, failureLimit: 0 });
const doc = { type: 'BlueGreen', scaleDownDelaySeconds: 30, prePromotionChecks: [check('pre')], postPromotionChecks: [check('post')] };
const ctx = context(doc);
const promoteWhenAwaiting = (s: DeploymentState) => (s.phase === 'Paused' && s.pauseReason === 'AwaitingPromotion' ? [command('promote')] : []);

describe('BlueGreen', () => {
  it('brings green up beside blue, previews it, checks, waits for promote, switches, checks, keeps blue warm, scales it down', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster, { commands: promoteWhenAwaiting });
    expect(phases(result)).toEqual(['Progressing', 'Paused(AwaitingPromotion)', 'Progressing', 'Succeeded']);
    expect(cluster.applied.map((e) => `${e.kind}:${'name' in e ? e.name : 'checkId' in e ? e.checkId : ''}`)).toEqual([
      'ensureWorkload:shop-green',
      'ensureService:shop-preview',
      'runCheck:pre-1-a1',
      'ensureService:shop',
      'runCheck:post-1-a1',
      'scaleWorkload:shop-blue',
    ]);
    expect(cluster.services.get('shop')).toEqual(selector('green'));
    expect(cluster.workloads.get('shop-blue')?.spec).toBe(0);
    // The old colour stays warm for scaleDownDelaySeconds after the switch.
    const switched = result.decisions.findIndex((d) => d.effects.some((e) => e.kind === 'ensureService' && e.name === 'shop'));
    const scaledDown = result.decisions.findIndex((d) => d.effects.some((e) => e.kind === 'scaleWorkload'));
    expect((scaledDown - switched) * 5).toBeGreaterThanOrEqual(30);
  });

  it('the next deployment alternates colours', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx, 'green');
    drive(ctx, cluster, { commands: promoteWhenAwaiting });
    expect(cluster.services.get('shop')).toEqual(selector('blue'));
    expect(cluster.workloads.get('shop-blue')).toMatchObject({ release: 'v2', spec: 4 });
  });

  it('preview only points at the new colour once it is ready', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const result = drive(ctx, cluster, { pods: () => 1, commands: promoteWhenAwaiting });
    const previewTick = result.decisions.findIndex((d) => d.effects.some((e) => e.kind === 'ensureService' && e.name === 'shop-preview'));
    expect(previewTick).toBe(4);
    expect(result.state.phase).toBe('Succeeded');
  });

  it('auto-promotion fires after autoPromotionSeconds and asks to be woken for it', () => {
    const auto = context({ type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 20, scaleDownDelaySeconds: 0 });
    const cluster = seedPrevious(new FakeCluster(), auto);
    const result = drive(auto, cluster);
    const awaiting = result.decisions.find((d) => d.state.pauseReason === 'AwaitingPromotion');
    expect(awaiting?.wakeAt).toBe(awaiting!.state.phaseSince + 20_000);
    expect(result.state.phase).toBe('Succeeded');
    expect(result.decisions.flatMap((d) => d.events).some((e) => e.message.startsWith('Auto-promoted after 20s'))).toBe(true);
  });

  it('previewReplicaCount brings up fewer pods first, then the full colour before switching', () => {
    const small = context({ type: 'BlueGreen', previewReplicaCount: 1, scaleDownDelaySeconds: 0 });
    const cluster = seedPrevious(new FakeCluster(), small);
    const result = drive(small, cluster, { commands: promoteWhenAwaiting });
    const sizes = cluster.applied.filter((e) => e.kind === 'ensureWorkload').map((e) => (e.kind === 'ensureWorkload' ? e.replicas : -1));
    expect(sizes).toEqual([1, 4]);
    expect(result.state.phase).toBe('Succeeded');
  });

  it('refuses before creating anything when the cluster cannot hold a second full colour', () => {
    const fit = context(doc, { podRequests: { cpuMillis: 500, memoryBytes: 256 * 1024 * 1024 } });
    const cluster = seedPrevious(new FakeCluster({ capacity: { cpuMillis: 1000, memoryBytes: 8 * 1024 ** 3, pods: 100 } }), fit);
    const result = drive(fit, cluster);
    expect(result.state.phase).toBe('Failed');
    expect(result.state.failure).toMatchObject({ code: 'InsufficientCapacity' });
    expect(result.state.failure?.reason).toBe('a second full colour needs 4 pod(s), 2000m CPU, 1024Mi memory; the cluster has 100 pod(s), 1000m CPU, 8192Mi memory free');
    expect(cluster.applied).toEqual([]);
  });

  it('fits when the capacity is there', () => {
    const fit = context(doc, { podRequests: { cpuMillis: 500, memoryBytes: 0 } });
    const cluster = seedPrevious(new FakeCluster({ capacity: { cpuMillis: 2000, memoryBytes: 0, pods: 4 } }), fit);
    expect(drive(fit, cluster, { commands: promoteWhenAwaiting }).state.phase).toBe('Succeeded');
  });

  it.each<[string, 'pre' | 'post']>([
    ['pre-promotion', 'pre'],
    ['post-promotion', 'post'],
  ])('a failed %s check rolls back with blue serving', (_name, which) => {
    const cluster = seedPrevious(new FakeCluster({ checkOutcome: { [which]: 'Failed' } }), ctx);
    const result = drive(ctx, cluster, { commands: promoteWhenAwaiting });
    expect(result.state.phase).toBe('RolledBack');
    expect(result.state.failure?.code).toBe('CheckFailed');
    expect(cluster.services.get('shop')).toEqual(selector('blue'));
    expect(cluster.workloads.get('shop-green')?.spec).toBe(0);
    expect(cluster.workloads.get('shop-blue')).toMatchObject({ release: 'v1', spec: 4 });
  });

  it('an inconclusive check pauses; retry runs it again as a new check', () => {
    const cluster = seedPrevious(new FakeCluster({ checkOutcome: { pre: 'Inconclusive' } }), ctx);
    const paused = drive(ctx, cluster);
    expect(paused.state).toMatchObject({ phase: 'Paused', pauseReason: 'Inconclusive' });
    cluster.options.checkOutcome = {};
    const result = drive(ctx, cluster, { start: paused.state, commands: (s, i) => (i === 0 ? [command('retry')] : promoteWhenAwaiting(s)) });
    expect(result.decisions[0].effects).toEqual([expect.objectContaining({ kind: 'runCheck', checkId: 'pre-1-a2' })]);
    expect(result.state.phase).toBe('Succeeded');
  });

  it('rollback inside the warm window flips the active Service back in the same tick, before anything else', () => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const warm = drive(ctx, cluster, { commands: promoteWhenAwaiting, maxTicks: 5 });
    expect(warm.state.rollout).toMatchObject({ kind: 'blueGreen', stage: 'scaleDownDelay' });
    const rollback = decide(warm.state, cluster.observe(), [command('rollback')], warm.now + 1000);
    expect(rollback.effects[0]).toEqual({ kind: 'ensureService', name: 'shop', selector: selector('blue') });
    expect(rollback.effects.filter((e) => e.kind === 'ensureWorkload' && e.replicas > 0).every((e) => e.kind === 'ensureWorkload' && e.release === 'v1')).toBe(true);
    cluster.apply(rollback.effects);
    cluster.progress();
    expect(decide(rollback.state, cluster.observe(), [], warm.now + 2000).state.phase).toBe('RolledBack');
  });

  it('a rollback deployment to the release the idle colour still runs switches at once and scales nothing up', () => {
    const back = context({ type: 'BlueGreen', scaleDownDelaySeconds: 0 }, { kind: 'rollback', release: 'v1', previousRelease: 'v2' });
    const cluster = new FakeCluster()
      .seedWorkload('shop-green', 'green', 'v2', 4)
      .seedWorkload('shop-blue', 'blue', 'v1', 4)
      .seedService('shop', selector('green'))
      .seedService('shop-preview', selector('green'));
    const first = decide(initialDeploymentState(back, 0), cluster.observe(), [], 0);
    expect(first.effects[0]).toEqual({ kind: 'ensureService', name: 'shop', selector: selector('blue') });
    expect(first.effects.some((e) => e.kind === 'ensureWorkload')).toBe(false);
  });

  it('a rollback deployment after the warm window brings the old release up and switches as soon as it is ready, with no promote', () => {
    const back = context(doc, { kind: 'rollback', release: 'v1', previousRelease: 'v2' });
    // The warm window is over: blue (the old release) is scaled to zero, green serves v2.
    const cluster = new FakeCluster()
      .seedWorkload('shop-green', 'green', 'v2', 4)
      .seedWorkload('shop-blue', 'blue', 'v1', 0)
      .seedService('shop', selector('green'))
      .seedService('shop-preview', selector('green'));
    const result = drive(back, cluster);
    expect(phases(result)).toEqual(['Progressing', 'Succeeded']);
    expect(result.state.pauseReason).toBeNull();
    expect(cluster.applied.map((e) => `${e.kind}:${'name' in e ? e.name : 'checkId' in e ? e.checkId : ''}`)).toEqual([
      'ensureWorkload:shop-blue',
      'ensureService:shop-preview',
      'runCheck:pre-1-a1',
      'ensureService:shop',
      'runCheck:post-1-a1',
      'scaleWorkload:shop-green',
    ]);
    expect(cluster.services.get('shop')).toEqual(selector('blue'));
    expect(cluster.workloads.get('shop-blue')).toMatchObject({ release: 'v1', spec: 4 });
    // Never before the old colour is ready: the switch comes after every pod of blue is.
    const switched = result.decisions.findIndex((d) => d.effects.some((e) => e.kind === 'ensureService' && e.name === 'shop'));
    const previewed = result.decisions.findIndex((d) => d.effects.some((e) => e.kind === 'ensureService' && e.name === 'shop-preview'));
    expect(switched).toBeGreaterThan(previewed);
  });

  it('a rollback deployment whose pre-promotion check fails does not switch', () => {
    const back = context(doc, { kind: 'rollback', release: 'v1', previousRelease: 'v2' });
    const cluster = new FakeCluster({ checkOutcome: { pre: 'Failed' } })
      .seedWorkload('shop-green', 'green', 'v2', 4)
      .seedWorkload('shop-blue', 'blue', 'v1', 0)
      .seedService('shop', selector('green'))
      .seedService('shop-preview', selector('green'));
    const result = drive(back, cluster);
    expect(result.state.phase).toBe('RolledBack');
    expect(cluster.services.get('shop')).toEqual(selector('green'));
  });

  it.each<[string, string]>([
    ['promote', 'rejected'],
    ['pause', 'applied'],
    ['abort', 'applied'],
  ])('%s while bringing green up is %s', (type, status) => {
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const first = decide(initialDeploymentState(ctx, 0), cluster.observe(), [], 0);
    const next = decide(first.state, cluster.observe(), [command(type as 'promote')], 1000);
    expect(next.commands[0].status).toBe(status);
  });

  it('the first deployment goes straight to blue with both Services on it', () => {
    const first = context(doc, { previousRelease: null });
    const cluster = new FakeCluster();
    const result = drive(first, cluster);
    expect(result.state.phase).toBe('Succeeded');
    expect(cluster.services.get('shop')).toEqual(selector('blue'));
    expect(cluster.services.get('shop-preview')).toEqual(selector('blue'));
    expect(cluster.applied.some((e) => e.kind === 'runCheck')).toBe(false);
  });
});
