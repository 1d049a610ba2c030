// What the API shows about a running deployment, derived from its state and the worker's last observation.
// `decide` stores it in state.status on every tick, so the api (which never talks to a cluster) can read it.
import { describePodProgress } from '../strategies/shared/pod-failures';
import type { DeploymentState } from '../model/deployment/deployment.types';
import type { Observation } from '../model/deployment/observation.types';
import { plan } from './plan';
import { names } from '../model/deployment/topology';

export interface SideStatus {
  /** primary, blue, green, stable or canary. */
  side: string;
  workload: string;
  release: string | null;
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

export interface PodStatus {
  name: string;
  workload: string | null;
  release: string | null;
  /** Pending, Running, Succeeded, Failed (the pod's phase as the cluster reports it). */
  phase: string;
  ready: boolean;
  /** "2/3 init containers done, `migrate` running", "`migrate` failed, exit 1, Init:CrashLoopBackOff", "Running, ready". */
  progress: string;
}

export interface DeploymentStatus {
  observedAt: number;
  /** Current step of `plan(strategy, replicas)`, by id and index; null before the rollout starts or when going straight to serving. */
  step: { id: string; index: number; total: number; title: string } | null;
  sides: SideStatus[];
  /** % of traffic the new release receives, as far as the observation shows. */
  newTrafficPercent: number;
  services: Record<string, Record<string, string>>;
  pods: PodStatus[];
}

/** The id of the plan step the rollout is at (see PlanStep.id), or null. */
export function currentStepId(state: DeploymentState): string | null {
  const r = state.rollout;
  if (!r) return null;
  switch (r.kind) {
    case 'direct':
      return null;
    case 'recreate':
      return r.stage === 'scaleDown' ? 'scaleDown' : 'up';
    case 'rolling':
      return 'rolling';
    case 'blueGreen':
      if (r.stage === 'scaleUp') return 'switch';
      return r.stage === 'done' ? 'scaleDownDelay' : r.stage;
    case 'canary':
      return r.stage === 'steps' ? `step-${r.stepIndex + 1}` : 'finish';
  }
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10;
}

function newTraffic(state: DeploymentState, obs: Observation): number {
  const { ctx } = state;
  const pods = obs.pods.filter((p) => p.ready && !p.terminating && p.role !== 'hook');
  const byPods = percent(pods.filter((p) => p.release === ctx.release).length, pods.length);
  const s = ctx.strategy;
  if (s.type === 'BlueGreen') {
    const role = obs.services[names.primary(ctx.app)]?.selector['cutover.dev/role'];
    const selected = role ? obs.workloads[`${ctx.app}-${role}`] : undefined;
    return selected?.release === ctx.release ? 100 : role ? 0 : byPods;
  }
  if (s.type === 'Canary' && s.trafficRouting.type !== 'replicas' && obs.traffic) {
    const stableIsNew = obs.workloads[names.stable(ctx.app)]?.release === ctx.release;
    return stableIsNew ? 100 : obs.traffic.canaryWeight;
  }
  return byPods;
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
