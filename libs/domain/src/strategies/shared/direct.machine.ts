// Straight to serving: the first deployment to an environment (nothing to compare with), or one whose previous
// release runs in another strategy's objects. Bring the strategy's final topology up at full size, then point the
// Services at it and retire whatever served before.
import type { StrategyMachine } from './machine.types';
import { deadlinePassed } from './restore.machine';
import { effect, emit, setPhase, type Tick } from './tick.machine';
import { ensureNewWorkload, isSettled, retireBaseline } from './workloads.machine';

function switchTraffic(t: Tick, machine: StrategyMachine): void {
  const topology = machine.direct(t.state.ctx);
  for (const e of [...topology.services, ...topology.traffic]) effect(t, e);
}

export function startDirect(t: Tick, machine: StrategyMachine): void {
  const s = t.state;
  const topology = machine.direct(s.ctx);
  s.rollout = { kind: 'direct', stage: 'up', since: t.now };
  const why = s.ctx.previousRelease === null ? 'first deployment to this environment' : 'the previous release runs under another strategy';
  emit(t, 'StepStarted', `Straight to serving (${why})`, { direct: true });
  for (const w of topology.workloads) ensureNewWorkload(t, w.name, w.role, s.ctx.replicas, w.updateStrategy);
  // Nothing serves yet, so the Services can point at the new objects from the start.
  if (!s.baseline || s.baseline.workloads.length === 0) switchTraffic(t, machine);
}

export function advanceDirect(t: Tick, machine: StrategyMachine): void {
  const s = t.state;
  if (s.rollout?.kind !== 'direct' || s.rollout.stage !== 'up') return;
  const topology = machine.direct(s.ctx);
  const ready = topology.workloads.every((w) => isSettled(t.obs.workloads[w.name], s.ctx.release, s.ctx.replicas));
  if (!ready) {
    deadlinePassed(t, s.rollout.since, topology.workloads.map((w) => w.name).join(', '));
    return;
  }
  if (s.baseline && s.baseline.workloads.length > 0) switchTraffic(t, machine);
  retireBaseline(t, topology.workloads.map((w) => w.name));
  s.rollout.stage = 'done';
  setPhase(t, 'Succeeded', null, `${s.ctx.release} serves with ${s.ctx.replicas} replica(s)`);
}
