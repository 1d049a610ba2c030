import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/fake-cluster.testing';
import { command, context, drive, seedPrevious } from '../../test/drive.testing';
import { supersede } from './command.rules';
import { decide } from './decide.machine';

const ctx = context({ type: 'Canary', steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 100 }] });

function pausedAtStep() {
  const cluster = seedPrevious(new FakeCluster(), ctx);
  const result = drive(ctx, cluster, { maxTicks: 3 });
  expect(result.state.phase).toBe('Paused');
  return { state: result.state, cluster, now: result.now };
}

describe('supersede (abort {supersededBy})', () => {
  it('ends an active deployment at once as Superseded and leaves the cluster as it is', () => {
    const { state, now } = pausedAtStep();
    const d = supersede(state, { by: 'dep-2', actor: 'alice', reason: 'hotfix' }, now + 1);
    expect(d.state).toMatchObject({ phase: 'Superseded', pauseReason: null, phaseSince: now + 1, rollout: state.rollout, baseline: state.baseline });
    expect(d.effects).toEqual([]);
    expect(d.wakeAt).toBeNull();
    expect(d.events).toEqual([
      { type: 'Superseded', actor: 'alice', message: 'Superseded by deployment dep-2 (asked by alice: hotfix)', data: { supersededBy: 'dep-2', previousPhase: 'Paused', reason: 'hotfix' } },
    ]);
  });

  it('is the rule decide applies to an abort {supersededBy} command', () => {
    const { state, cluster, now } = pausedAtStep();
    const viaCommand = decide(state, cluster.observe(), [command('abort', { supersededBy: 'dep-2' } as never)], now);
    const direct = supersede(state, { by: 'dep-2', actor: viaCommand.events[0]!.actor, reason: null }, now);
    expect(viaCommand.state.phase).toBe(direct.state.phase);
    expect(viaCommand.effects).toEqual([]);
    expect(viaCommand.events.map((e) => e.type)).toEqual(['CommandApplied', 'Superseded']);
    expect(viaCommand.events[1]).toEqual(direct.events[0]);
  });

  it('keeps the outcome of an ended deployment and cancels its pending retry', () => {
    const { state, now } = pausedAtStep();
    const failed = { ...state, phase: 'Failed' as const, pauseReason: null };
    const d = supersede(failed, { by: 'dep-3', actor: 'bob', reason: null }, now);
    expect(d.state.phase).toBe('Failed');
    expect(d.events.map((e) => e.type)).toEqual(['RetryCancelled']);
  });
});
