// Readiness of workloads and the effects that size them, shared by every machine.
import type { EnsureWorkloadEffect, WorkloadUpdateStrategy } from '../../model/deployment/effect.types';
import type { WorkloadObservation } from '../../model/deployment/observation.types';
import type { WorkloadRole } from '../../model/deployment/topology.rules';
import { effect, emit, type Tick } from './tick.machine';

/**
 * The Deployment runs `release` with exactly `replicas` pods, all updated and available, and the controller has seen
 * its latest spec. For 0 replicas: no pod counted in its status any more.
 */
export function isSettled(w: WorkloadObservation | undefined, release: string, replicas: number): boolean {
  if (!w) return replicas === 0;
  if (w.observedGeneration < w.generation || w.specReplicas !== replicas) return false;
  if (replicas === 0) return w.replicas === 0;
  return w.release === release && w.updatedReplicas === replicas && w.availableReplicas >= replicas && w.replicas === replicas;
}

export function rollingDefaults(progressDeadlineSeconds: number): WorkloadUpdateStrategy {
  return { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%', minReadySeconds: 0, progressDeadlineSeconds };
}

/** Ensure a workload runs this deployment's release; remembers it so a rollback can scale it back down. */
export function ensureNewWorkload(
  t: Tick,
  name: string,
  role: WorkloadRole,
  replicas: number,
  updateStrategy: WorkloadUpdateStrategy | null,
  paused = false,
): void {
  const e: EnsureWorkloadEffect = { kind: 'ensureWorkload', name, role, release: t.state.ctx.release, replicas, paused, updateStrategy };
  effect(t, e);
  if (!t.state.touched.includes(name)) t.state.touched.push(name);
  emit(t, 'Scaled', `${name} → ${replicas} × ${t.state.ctx.release}`, { workload: name, role, release: t.state.ctx.release, replicas });
}

export function scaleWorkload(t: Tick, name: string, replicas: number, why: string): void {
  effect(t, { kind: 'scaleWorkload', name, replicas });
  emit(t, 'Scaled', `${name} → ${replicas}: ${why}`, { workload: name, replicas });
}

/** Scale to zero the workloads that served before and are not part of the final topology. */
export function retireBaseline(t: Tick, keep: readonly string[]): void {
  for (const w of t.state.baseline?.workloads ?? []) {
    if (!keep.includes(w.name)) scaleWorkload(t, w.name, 0, 'no longer serves');
  }
}
