import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runInit, start, tick, World } from '../../../test/wave-run.testing';
import { applyWaveRunCommand, canApplyWaveRunCommand, environmentOutcome } from './wave-run.machine';
import { isWaveRunTerminal, type WaveRunState } from '../../model/waves/wave-run.types';
import type { Phase } from '../../model/deployment/deployment.types';

const ENDINGS: Phase[] = ['Succeeded', 'Succeeded', 'Succeeded', 'Failed', 'RolledBack', 'Aborted'];

const scenario = fc.record({
  waves: fc.array(fc.record({ size: fc.integer({ min: 1, max: 3 }), maxParallel: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }), bake: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }) }), {
    minLength: 1,
    maxLength: 4,
  }),
  failureBudget: fc.integer({ min: 0, max: 2 }),
  stopOnFailure: fc.boolean(),
  steps: fc.array(fc.oneof(fc.record({ kind: fc.constant('end' as const), pick: fc.nat(), ending: fc.constantFrom(...ENDINGS) }), fc.record({ kind: fc.constantFrom('pause' as const, 'resume' as const, 'promote' as const, 'abort' as const, 'time' as const) })), { maxLength: 60 }),
});

function waveIndexOf(s: WaveRunState, env: string): number {
  return s.waves.findIndex((w) => w.environments.some((e) => e.environment === env));
}

describe('wave run invariants (fast-check)', () => {
  it('never starts a wave before the previous one passed, never exceeds maxParallel, starts each environment once, and ends only when nothing runs', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        let env = 0;
        const init = runInit(
          sc.waves.map((w) => ({ envs: Array.from({ length: w.size }, () => `e${(env += 1)}`), maxParallel: w.maxParallel, gate: { bakeSeconds: w.bake } })),
          { failureBudget: sc.failureBudget, stopOnFailure: sc.stopOnFailure },
        );
        const world = new World();
        let now = 1_000;
        let s = start(world, init, now);
        for (const step of sc.steps) {
          now += 1_000;
          if (step.kind === 'end') {
            const running = [...world.phases].filter(([, p]) => p === 'Pending');
            if (running.length > 0) world.phases.set(running[step.pick % running.length]![0], step.ending);
          } else if (step.kind !== 'time') {
            const c = { type: step.kind, actor: 'bob', role: 'admin' as const, reason: null };
            if (canApplyWaveRunCommand(s, c, now).ok) s = applyWaveRunCommand(s, c, now).state;
            if (step.kind === 'abort' && s.phase === 'Aborted') for (const [id, p] of world.phases) if (p === 'Pending') world.phases.set(id, 'Aborted');
          }
          const before = s;
          s = tick(world, s, now).state;
          // A terminal run does not move.
          if (isWaveRunTerminal(before.phase)) expect(s).toEqual(before);
          // maxParallel and wave order.
          s.waves.forEach((w, i) => {
            const inFlight = w.environments.filter((e) => environmentOutcome(e.phase) === 'inFlight').length;
            expect(inFlight).toBeLessThanOrEqual(w.maxParallel ?? w.environments.length);
            if (w.environments.some((e) => e.phase !== 'Waiting')) for (let j = 0; j < i; j += 1) expect(s.waves[j]!.phase).toBe('Passed');
          });
          // Ended well only when every environment succeeded within the budget; a run never ends with deployments it still counts on.
          if (s.phase === 'Succeeded') {
            expect(s.failures).toBeLessThanOrEqual(s.policy.failureBudget);
            expect(s.waves.every((w) => w.phase === 'Passed')).toBe(true);
          }
          if (s.phase === 'Succeeded' || s.phase === 'Failed') expect(s.waves.some((w) => w.environments.some((e) => environmentOutcome(e.phase) === 'inFlight'))).toBe(false);
          expect(s.failures).toBe(s.waves.flatMap((w) => w.environments).filter((e) => environmentOutcome(e.phase) === 'failed').length);
        }
        // Each environment started at most once, in wave order.
        expect(new Set(world.started).size).toBe(world.started.length);
        const order = world.started.map((e) => waveIndexOf(s, e));
        expect([...order].sort((a, b) => a - b)).toEqual(order);
      }),
      { numRuns: 300 },
    );
  });
});
