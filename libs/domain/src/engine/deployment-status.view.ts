// What the API shows about a running deployment, derived from its state and the worker's last observation.
// `decide` stores it in state.status on every tick, so the api (which never talks to a cluster) can read it.
import { isTerminal, type DeploymentState } from '../model/deployment/deployment.types';
import type { Observation } from '../model/deployment/observation.types';
import type { DeploymentStatus } from '../model/deployment/status.types';
import { strategies, type StrategyRegistry } from '../strategies/strategy.registry';
import { percent } from '../strategies/shared/plan-math.rules';
import { describePodProgress } from '../strategies/shared/pod-failures.rules';
import { plan } from './deployment.plan';

/** The id of the plan step the rollout is at (see PlanStep.id), or null before it starts and when going direct. */
export function currentStepId(state: DeploymentState, machines: StrategyRegistry = strategies): string | null {
  const r = state.rollout;
  if (!r || r.kind === 'direct') return null;
  return machines.machineFor(state.ctx.strategy.type).stepOf(r);
}

function newTraffic(state: DeploymentState, obs: Observation, machines: StrategyRegistry): number {
  const { ctx } = state;
  const pods = obs.pods.filter((p) => p.ready && !p.terminating && p.role !== 'hook');
  const byPods = percent(pods.filter((p) => p.release === ctx.release).length, pods.length);
  return machines.machineFor(ctx.strategy.type).observedTraffic(state, obs, byPods);
}

export function statusView(state: DeploymentState, obs: Observation, now: number, machines: StrategyRegistry = strategies): DeploymentStatus {
  const { ctx } = state;
  const steps = plan(ctx.strategy, ctx.replicas, machines).steps;
  const id = currentStepId(state, machines);
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
    newTrafficPercent: newTraffic(state, obs, machines),
    services: Object.fromEntries(Object.values(obs.services).map((s) => [s.name, s.selector])),
    pods: obs.pods
      .filter((p) => p.role !== 'hook')
      .map((p) => ({ name: p.name, workload: p.workload, release: p.release, phase: p.phase, ready: p.ready, progress: describePodProgress(p) })),
  };
}

/** How long an ended deployment keeps observing its cluster for a status that shows what serves. */
export const FINAL_OBSERVATION_WINDOW_MS = 60_000;

/**
 * The cluster has carried out everything asked of it: every workload has exactly the pods its spec asks for, all
 * ready, and no pod is still terminating.
 */
export function observationSettled(obs: Observation): boolean {
  const workloadsDone = Object.values(obs.workloads).every(
    (w) => w.observedGeneration >= w.generation && w.replicas === w.specReplicas && w.readyReplicas === w.specReplicas && w.updatedReplicas === w.specReplicas,
  );
  return workloadsDone && obs.pods.every((p) => p.role === 'hook' || !p.terminating);
}

/**
 * Whether an ended deployment's status still waits for a later observation. A Superseded deployment's objects belong
 * to the deployment that replaced it, so it observes nothing more.
 */
export function awaitsFinalObservation(state: DeploymentState): boolean {
  return isTerminal(state.phase) && state.phase !== 'Superseded' && state.status?.final === false;
}

/**
 * The status of an ended deployment from an observation taken after its last effects: final once the cluster has
 * settled, or once the window since it ended has passed (a cluster that never settles must not be watched forever).
 */
export function finalStatus(state: DeploymentState, obs: Observation, now: number, machines: StrategyRegistry = strategies): DeploymentState {
  const status = statusView(state, obs, now, machines);
  const final = observationSettled(obs) || now - state.phaseSince >= FINAL_OBSERVATION_WINDOW_MS;
  return { ...state, status: { ...status, final } };
}

/**
 * What `decide` stores as the status: on a tick that ends the deployment, the observation predates the effects of
 * that tick (and may predate the cluster carrying out earlier ones), so the status is not final yet.
 */
export function decidedStatus(state: DeploymentState, obs: Observation, now: number, effectCount: number, machines: StrategyRegistry = strategies): DeploymentStatus {
  const status = statusView(state, obs, now, machines);
  if (!isTerminal(state.phase)) return status;
  return { ...status, final: state.phase === 'Superseded' || (effectCount === 0 && observationSettled(obs)) };
}
