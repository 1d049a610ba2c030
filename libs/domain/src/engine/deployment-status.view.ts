// What the API shows about a running deployment, derived from its state and the worker's last observation.
// `decide` stores it in state.status on every tick, so the api (which never talks to a cluster) can read it.
import type { DeploymentState } from '../model/deployment/deployment.types';
import type { Observation } from '../model/deployment/observation.types';
import type { DeploymentStatus } from '../model/deployment/status.types';
import { machineFor } from '../strategies/strategy.registry';
import { percent } from '../strategies/shared/plan-math.rules';
import { describePodProgress } from '../strategies/shared/pod-failures.rules';
import { plan } from './deployment.plan';

/** The id of the plan step the rollout is at (see PlanStep.id), or null before it starts and when going direct. */
export function currentStepId(state: DeploymentState): string | null {
  const r = state.rollout;
  if (!r || r.kind === 'direct') return null;
  return machineFor(state.ctx.strategy.type).stepOf(r);
}

function newTraffic(state: DeploymentState, obs: Observation): number {
  const { ctx } = state;
  const pods = obs.pods.filter((p) => p.ready && !p.terminating && p.role !== 'hook');
  const byPods = percent(pods.filter((p) => p.release === ctx.release).length, pods.length);
  return machineFor(ctx.strategy.type).observedTraffic(state, obs, byPods);
}

export function statusView(state: DeploymentState, obs: Observation, now: number): DeploymentStatus {
  const { ctx } = state;
  const steps = plan(ctx.strategy, ctx.replicas).steps;
  const id = currentStepId(state);
  const current = id === null ? undefined : steps.find((s) => s.id === id);
  const sides = Object.values(obs.workloads)
    .filter((w) => w.specReplicas > 0 || w.replicas > 0 || state.touched.includes(w.name))
    .map((w) => ({
      side: w.role ?? 'primary',
      workload: w.name,
      release: w.release,
      desired: w.specReplicas,
      updated: w.updatedReplicas,
      ready: w.readyReplicas,
      available: w.availableReplicas,
    }))
    .sort((a, b) => a.workload.localeCompare(b.workload));
  return {
    observedAt: now,
    step: current ? { id: current.id, index: current.index, total: steps.length, title: current.title } : null,
    sides,
    newTrafficPercent: newTraffic(state, obs),
    services: Object.fromEntries(Object.values(obs.services).map((s) => [s.name, s.selector])),
    pods: obs.pods
      .filter((p) => p.role !== 'hook')
      .map((p) => ({ name: p.name, workload: p.workload, release: p.release, phase: p.phase, ready: p.ready, progress: describePodProgress(p) })),
  };
}
