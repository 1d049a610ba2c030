import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/fake-cluster.testing';
import { command, context, drive, seedPrevious } from '../../test/drive.testing';
import { decide } from './decide.machine';
import { heldWithoutTimer } from './idle-hold.policy';
import type { DeploymentContext, DeploymentState } from '../model/deployment/deployment.types';

/** Drive until the first hold (or the end) and return the state there, with the cluster as it stands. */
function firstHold(ctx: DeploymentContext): { state: DeploymentState; cluster: FakeCluster; now: number } {
  const cluster = seedPrevious(new FakeCluster(), ctx);
  const result = drive(ctx, cluster, { maxTicks: 40 });
  const held = result.decisions.find((d) => d.state.phase === 'Paused');
  return { state: held?.state ?? result.state, cluster, now: result.now };
}

const canary = (pause: Record<string, unknown>) => context({ type: 'Canary', trafficRouting: { type: 'replicas' }, steps: [{ setWeight: 20 }, { pause }, { setWeight: 100 }] }, { replicas: 4 });

describe('heldWithoutTimer', () => {
  it('a canary at a pause step without a duration is held with no timer, and the machine asks for no wake-up there', () => {
    const { state, cluster, now } = firstHold(canary({}));
    expect(state).toMatchObject({ phase: 'Paused', pauseReason: 'PauseStep' });
    expect(heldWithoutTimer(state)).toBe(true);
    // The same world seen again much later changes nothing and asks for no timer: only a person moves it.
    expect(decide(state, cluster.observe(), [], now + 3_600_000).wakeAt).toBeNull();
  });

  it('a timed pause step has a timer', () => {
    const { state } = firstHold(canary({ duration: '30s' }));
    expect(state).toMatchObject({ phase: 'Paused', pauseReason: 'PauseStep' });
    expect(heldWithoutTimer(state)).toBe(false);
  });

  it('blue/green awaiting promotion: held without auto-promotion, timed with it', () => {
    const manual = firstHold(context({ type: 'BlueGreen', autoPromotionEnabled: false }));
    expect(manual.state).toMatchObject({ phase: 'Paused', pauseReason: 'AwaitingPromotion' });
    expect(heldWithoutTimer(manual.state)).toBe(true);
    expect(decide(manual.state, manual.cluster.observe(), [], manual.now + 3_600_000).wakeAt).toBeNull();
    const auto = firstHold(context({ type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 60 }));
    expect(auto.state).toMatchObject({ phase: 'Paused', pauseReason: 'AwaitingPromotion' });
    expect(heldWithoutTimer(auto.state)).toBe(false);
  });

  it('paused by a user is held with no timer', () => {
    const ctx = canary({ duration: '30s' });
    const cluster = seedPrevious(new FakeCluster(), ctx);
    // Pods never turn ready: the rollout is still Progressing when the user pauses it.
    const { state, now } = drive(ctx, cluster, { maxTicks: 3, pods: () => 0 });
    expect(state.phase).toBe('Progressing');
    const paused = decide(state, cluster.observe(), [command('pause')], now + 1).state;
    expect(paused).toMatchObject({ phase: 'Paused', pauseReason: 'UserPaused' });
    expect(heldWithoutTimer(paused)).toBe(true);
  });

  it('anything not paused, or paused for a reason that may carry a timer, is not idle', () => {
    const { state } = firstHold(canary({}));
    expect(heldWithoutTimer({ ...state, phase: 'Progressing', pauseReason: null })).toBe(false);
    expect(heldWithoutTimer({ ...state, pauseReason: 'AwaitingApproval' })).toBe(false);
    expect(heldWithoutTimer({ ...state, pauseReason: 'ClusterUnreachable' })).toBe(false);
    expect(heldWithoutTimer({ ...state, phase: 'Succeeded', pauseReason: null })).toBe(false);
  });
});
