// What the detail answer shows about a deployment's progress, computed from its stored machine state and the status
// view `decide` keeps in it (`state.status`: what the worker last observed of the cluster). Strategy-agnostic: each
// strategy answers for its own steps, sides and traffic through the registry.
import type { DeploymentState, RolloutState } from '../model/deployment/deployment.types';
import type { DeploymentPlan } from '../model/deployment/plan.types';
import type { DeploymentStatus, PodStatus } from '../model/deployment/status.types';
import type { StrategyDocument } from '../model/strategy-document/strategy-document.types';
import { strategies, type StrategyRegistry } from '../strategies/strategy.registry';
import { plan } from './deployment.plan';

export interface SideProgress {
  side: string;
  workload: string | null;
  release: string | null;
  /** Replicas the current plan step wants on this side; null before the rollout starts. */
  desired: number | null;
  updated: number | null;
  ready: number | null;
  available: number | null;
}

export interface ServiceSelectorView {
  name: string;
  selector: Record<string, string>;
  /** `observed` (last tick's observation) or `baseline` (what served when the deployment began). */
  source: 'observed' | 'baseline';
}

export interface DeploymentProgress {
  plan: DeploymentPlan;
  /** Index into plan.steps; null before the rollout starts, and when the release goes straight to serving. */
  currentStep: number | null;
  sides: SideProgress[];
  /** % of traffic on the new release now; null when not known yet. */
  trafficWeight: number | null;
  services: ServiceSelectorView[];
  pods: { total: number; ready: number; items: PodStatus[] };
}

/** Which plan step the rollout is on; null before it starts, and when the release goes straight to serving. */
export function currentStepOf(doc: StrategyDocument, rollout: RolloutState | null, stepCount: number, machines: StrategyRegistry = strategies): number | null {
  if (rollout === null || rollout.kind === 'direct') return null;
  const machine = machines.machineFor(doc.type);
  const id = machine.stepOf(rollout);
  if (id === null) return null;
  // Step ids do not depend on the replica count. A stage the plan does not list (a transient one) shows the last step.
  const index = machine.plan(doc, 1).steps.findIndex((s) => s.id === id);
  return index === -1 ? stepCount - 1 : Math.min(index, stepCount - 1);
}

function sidesOf(state: DeploymentState, thePlan: DeploymentPlan, step: number | null, status: DeploymentStatus | null, machines: StrategyRegistry): SideProgress[] {
  const machine = machines.machineFor(state.ctx.strategy.type);
  const planned = step === null ? null : thePlan.steps[step]?.replicas;
  return machine.sides(state).map(({ side, workload, release }) => {
    // A shared workload (Recreate/RollingUpdate) counts only for the side whose release its template carries.
    const observed = workload ? status?.sides.find((s) => s.workload === workload && (!machine.sharedWorkload || s.release === release)) : undefined;
    return {
      side,
      workload,
      release,
      desired: planned?.[side] ?? null,
      updated: observed ? observed.updated : null,
      ready: observed ? observed.ready : null,
      available: observed ? observed.available : null,
    };
  });
}

function trafficWeightOf(state: DeploymentState, thePlan: DeploymentPlan, step: number | null, machines: StrategyRegistry): number | null {
  // An ended deployment: what it left serving, not the last step it was at.
  if (state.phase === 'Succeeded') return 100;
  if (state.phase === 'RolledBack' || state.phase === 'Aborted' || state.phase === 'Failed') return 0;
  const r = state.rollout;
  if (r === null) return null;
  const current = step === null ? null : (thePlan.steps[step] ?? null);
  if (r.kind === 'direct') return r.stage === 'done' ? 100 : current === null ? null : current.newTrafficPercent;
  return machines.machineFor(state.ctx.strategy.type).trafficWeight(state, current);
}

function servicesOf(state: DeploymentState, status: DeploymentStatus | null): ServiceSelectorView[] {
  if (status) return Object.entries(status.services).map(([name, selector]) => ({ name, selector, source: 'observed' }));
  return (state.baseline?.services ?? []).map((s) => ({ name: s.name, selector: s.selector, source: 'baseline' }));
}

export function deploymentProgress(state: DeploymentState, machines: StrategyRegistry = strategies): DeploymentProgress {
  const thePlan = plan(state.ctx.strategy, state.ctx.replicas, machines);
  const status = state.status ?? null;
  const currentStep = currentStepOf(state.ctx.strategy, state.rollout, thePlan.steps.length, machines);
  const pods = status?.pods ?? [];
  return {
    plan: thePlan,
    currentStep,
    sides: sidesOf(state, thePlan, currentStep, status, machines),
    trafficWeight: trafficWeightOf(state, thePlan, currentStep, machines),
    services: servicesOf(state, status),
    // Pods of the app (hook Job pods are left out by statusView), with init-container progress in words.
    pods: { total: pods.length, ready: pods.filter((p) => p.ready).length, items: pods.map((p) => ({ ...p })) },
  };
}
