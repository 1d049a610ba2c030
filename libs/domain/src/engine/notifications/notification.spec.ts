import { describe, expect, it } from 'vitest';
import { command, context, drive, seedPrevious } from '../../../test/drive.testing';
import { FakeCluster } from '../../../test/fake-cluster.testing';
import {
  buildDeploymentNotification,
  channelDisabledNotification,
  channelWants,
  notificationTypeOf,
} from './notification.types';
import { ev, snapshot } from '../../../test/notification.testing';

describe('notificationTypeOf: which timeline events page someone', () => {
  it.each([
    [ev('Started'), 'started'],
    [ev('StepCompleted', { step: 1 }), 'step-completed'],
    [ev('CommandApplied', { command: 'promote' }), 'promoted'],
    [ev('CommandApplied', { command: 'pause' }), null],
    [ev('PhaseChanged', { to: 'Paused', pauseReason: 'UserPaused' }), 'paused'],
    [ev('PhaseChanged', { to: 'Paused', pauseReason: 'PauseStep' }, 'Paused (PauseStep): for 30s'), 'paused'],
    [ev('PhaseChanged', { to: 'Paused', pauseReason: 'PauseStep' }, 'Paused (PauseStep): waiting for promote'), 'awaiting-promotion'],
    [ev('PhaseChanged', { to: 'Paused', pauseReason: 'AwaitingPromotion' }), 'awaiting-promotion'],
    [ev('PhaseChanged', { to: 'Aborted' }), 'aborted'],
    [ev('PhaseChanged', { to: 'Failed' }), 'failed'],
    [ev('PhaseChanged', { to: 'RolledBack' }), 'rolled-back'],
    [ev('PhaseChanged', { to: 'Succeeded' }), 'succeeded'],
    [ev('PhaseChanged', { to: 'Progressing' }), null],
    [ev('Scaled'), null],
    [ev('TrafficShifted'), null],
  ])('%o → %s', (event, expected) => {
    expect(notificationTypeOf(event)).toBe(expected);
  });

  it('a canary run through its machine: started, awaiting-promotion at the pause without a duration, promoted, succeeded', () => {
    const ctx = context({ type: 'Canary', trafficRouting: { type: 'replicas' }, steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] });
    const result = drive(ctx, seedPrevious(new FakeCluster(), ctx), {
      commands: (state) => (state.phase === 'Paused' ? [command('promote')] : []),
    });
    expect(result.state.phase).toBe('Succeeded');
    const types = result.decisions.flatMap((d) => d.events).map((e) => notificationTypeOf(e)).filter((t) => t !== null);
    expect(types[0]).toBe('started');
    expect(types).not.toContain('paused');
    const order = ['started', 'awaiting-promotion', 'promoted', 'succeeded'].map((t) => types.indexOf(t as never));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(types).toContain('step-completed');
  });
});

describe('channelWants', () => {
  const n = buildDeploymentNotification('promoted', ev('CommandApplied', { command: 'promote', reason: 'looks good' }), snapshot);

  it('matches every filter that is absent or empty, and refuses on any filter that leaves it out', () => {
    expect(channelWants({}, n)).toBe(true);
    expect(channelWants({ apps: [], environments: [], events: [] }, n)).toBe(true);
    expect(channelWants({ apps: ['shop'], environments: ['prod'], events: ['promoted'] }, n)).toBe(true);
    expect(channelWants({ apps: ['other'] }, n)).toBe(false);
    expect(channelWants({ environments: ['staging'] }, n)).toBe(false);
    expect(channelWants({ events: ['failed'] }, n)).toBe(false);
  });

  it('sends channel.disabled only to channels that cover the disabled channel\'s apps', () => {
    const scoped = channelDisabledNotification('x', '2026-12-07T01:00:00.000Z', { id: 'c1', name: 'shop-hook', apps: ['shop'] }, 5, 'receiver answered 500');
    expect(channelWants({}, scoped)).toBe(true);
    expect(channelWants({ apps: ['shop', 'cart'] }, scoped)).toBe(true);
    expect(channelWants({ apps: ['cart'] }, scoped)).toBe(false);
    const global = channelDisabledNotification('y', '2026-12-07T01:00:00.000Z', { id: 'c2', name: 'all', apps: [] }, 5, 'timeout');
    expect(channelWants({ apps: ['shop'] }, global)).toBe(false);
    expect(channelWants({ events: ['failed'] }, global)).toBe(false);
  });

  it('the command\'s reason wins over the deployment\'s', () => {
    expect(n.reason).toBe('looks good');
    expect(buildDeploymentNotification('started', ev('Started'), snapshot).reason).toBe('weekly release');
    expect(n.id).toBe('evt-42');
  });
});
