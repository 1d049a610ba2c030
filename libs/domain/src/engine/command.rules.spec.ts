import { describe, expect, it } from 'vitest';
import { context } from '../../test/drive.testing';
import { canApply } from './command.rules';
import type { CommandIntent } from '../model/deployment/command.types';
import { initialDeploymentState } from './decide.machine';
import type { DeploymentState, PauseReason, Phase, RolloutState } from '../model/deployment/deployment.types';

const canaryRollout: RolloutState = { kind: 'canary', stage: 'steps', since: 0, stepIndex: 1, stepEntered: true, weight: 20, scale: null, checkAttempt: 1 };
const bgRollout: RolloutState = { kind: 'blueGreen', stage: 'awaitPromotion', since: 0, colour: 'green', oldColour: 'blue', checkAttempt: 1 };

function state(type: 'Canary' | 'BlueGreen' | 'RollingUpdate', phase: Phase, pauseReason: PauseReason | null = null, previous = true): DeploymentState {
  const doc = type === 'Canary' ? { type, steps: [{ setWeight: 10 }, { pause: {} }] } : { type };
  const s = initialDeploymentState(context(doc, previous ? {} : { previousRelease: null }), 0);
  const rollout = type === 'Canary' ? canaryRollout : type === 'BlueGreen' ? bgRollout : ({ kind: 'rolling', stage: 'rolling', since: 0 } as const);
  return { ...s, phase, pauseReason, rollout: phase === 'Pending' ? null : rollout };
}

const promote: CommandIntent = { type: 'promote' };
const full: CommandIntent = { type: 'promote', full: true };
const pause: CommandIntent = { type: 'pause' };
const resume: CommandIntent = { type: 'resume' };
const abort: CommandIntent = { type: 'abort' };
const rollback: CommandIntent = { type: 'rollback' };
const retry: CommandIntent = { type: 'retry' };

// [strategy, phase, pauseReason, command, allowed]
const table: Array<[Parameters<typeof state>[0], Phase, PauseReason | null, CommandIntent, boolean]> = [
  ['Canary', 'Pending', null, promote, false],
  ['Canary', 'Pending', null, pause, false],
  ['Canary', 'Pending', null, abort, true],
  ['Canary', 'Pending', null, rollback, true],
  ['Canary', 'Progressing', null, promote, false],
  ['Canary', 'Progressing', null, full, true],
  ['Canary', 'Progressing', null, pause, true],
  ['Canary', 'Progressing', null, resume, false],
  ['Canary', 'Progressing', null, abort, true],
  ['Canary', 'Progressing', null, rollback, true],
  ['Canary', 'Progressing', null, retry, false],
  ['Canary', 'Paused', 'PauseStep', promote, true],
  ['Canary', 'Paused', 'PauseStep', full, true],
  ['Canary', 'Paused', 'PauseStep', pause, false],
  ['Canary', 'Paused', 'PauseStep', resume, false],
  ['Canary', 'Paused', 'UserPaused', promote, false],
  ['Canary', 'Paused', 'UserPaused', resume, true],
  ['Canary', 'Paused', 'UserPaused', abort, true],
  ['Canary', 'Paused', 'Inconclusive', promote, true],
  ['Canary', 'Paused', 'Inconclusive', retry, true],
  ['Canary', 'RollingBack', null, abort, false],
  ['Canary', 'RollingBack', null, rollback, false],
  ['Canary', 'RollingBack', null, promote, false],
  ['Canary', 'Succeeded', null, rollback, false],
  ['Canary', 'Succeeded', null, retry, false],
  ['Canary', 'Failed', null, retry, true],
  ['Canary', 'Failed', null, abort, false],
  ['Canary', 'RolledBack', null, retry, true],
  ['Canary', 'Aborted', null, retry, true],
  ['Canary', 'Superseded', null, retry, false],
  ['Canary', 'Superseded', null, resume, false],
  ['BlueGreen', 'Paused', 'AwaitingPromotion', promote, true],
  ['BlueGreen', 'Paused', 'AwaitingPromotion', full, true],
  ['BlueGreen', 'Progressing', null, full, false],
  ['BlueGreen', 'Progressing', null, pause, true],
  ['RollingUpdate', 'Progressing', null, promote, false],
  ['RollingUpdate', 'Progressing', null, pause, true],
  ['RollingUpdate', 'Paused', 'UserPaused', resume, true],
];

describe('canApply: every command in every phase', () => {
  it.each(table)('%s %s %s: %j → %s', (type, phase, reason, command, allowed) => {
    const verdict = canApply(state(type, phase, reason), command);
    expect(verdict.ok).toBe(allowed);
    if (!verdict.ok) expect(verdict.reason).toContain(phase);
  });

  it('refuses rollback of a first deployment (nothing to go back to) but allows abort', () => {
    expect(canApply(state('Canary', 'Progressing', null, false), rollback)).toMatchObject({ ok: false, reason: expect.stringContaining('no previous release') });
    expect(canApply(state('Canary', 'Progressing', null, false), abort)).toEqual({ ok: true });
  });

  it('explains how a succeeded deployment is rolled back', () => {
    expect(canApply(state('Canary', 'Succeeded'), rollback)).toMatchObject({ ok: false, reason: expect.stringContaining('new deployment') });
  });
});
