// The contract every strategy fulfils, and all the engine and the api know of one. `decide` owns what is common
// (commands, hooks, failure detection, rollback, first deployments); a strategy knows how it moves the new release
// in (start/advance/promote), what its steps are (plan), where a rollout is among them (stepOf) and how it reads
// from outside (sides, traffic). Adding a strategy = one folder implementing this + one line in strategy.registry.ts
// (docs/adr/0012-how-to-add-a-strategy.md).
import type { Verdict } from '../../model/deployment/command.types';
import type { DeploymentContext, DeploymentState, Failure, RolloutState } from '../../model/deployment/deployment.types';
import type { Effect, EnsureServiceEffect, WorkloadUpdateStrategy } from '../../model/deployment/effect.types';
import type { Observation } from '../../model/deployment/observation.types';
import type { PlanStep, StrategyPlan } from '../../model/deployment/plan.types';
import type { WorkloadRole } from '../../model/deployment/topology.rules';
import type { StrategyDocument, StrategyType } from '../../model/strategy-document/strategy-document.types';
import type { Tick } from './tick.machine';

/** The objects the new release serves from when it goes straight to serving (no comparable previous release). */
export interface DirectTopology {
  workloads: Array<{ name: string; role: WorkloadRole; updateStrategy: WorkloadUpdateStrategy | null }>;
  services: EnsureServiceEffect[];
  traffic: Effect[];
}

/** A side of a deployment as the api shows it: which workload serves which release (workload null: not known yet). */
export interface SideSpec {
  /** previous/new (Recreate, RollingUpdate, BlueGreen) or stable/canary (Canary): the keys of PlanStep.replicas. */
  side: string;
  workload: string | null;
  release: string | null;
}

export interface StrategyMachine {
  readonly type: StrategyType;
  /** The previous release runs where this strategy expects it, so the strategy can move traffic progressively. */
  comparable(state: DeploymentState): boolean;
  /** Refuse before anything is created (a reason) or allow (null). */
  preflight(t: Tick): Failure | null;
  direct(ctx: DeploymentContext): DirectTopology;
  /** Hooks are done: emit the first effects and set `state.rollout`. */
  start(t: Tick): void;
  /** Progressing, or Paused for a step/promotion: move on when the observation allows. */
  advance(t: Tick): void;
  canPromote(state: DeploymentState, full: boolean): Verdict;
  promote(t: Tick, full: boolean): void;
  /** `retry` while Paused (Inconclusive): run the check again. */
  retryCheck(t: Tick): void;
  /** A user pause/resume (RollingUpdate pauses its Deployment; the others simply stop advancing). */
  onUserPause(t: Tick, paused: boolean): void;

  /** The strategy's steps for `replicas` pods of `doc` (a document of this strategy's type). */
  plan(doc: StrategyDocument, replicas: number): StrategyPlan;
  /** The id of the plan step `rollout` is at, null when it is not this strategy's rollout (`direct` included). */
  stepOf(rollout: RolloutState): string | null;
  /** The sides shown for the deployment, in order. */
  sides(state: DeploymentState): SideSpec[];
  /** The sides share one Deployment (its pod template's release tells which side the observed pods are). */
  readonly sharedWorkload: boolean;
  /** % of traffic on the new release by the machine's own state; `step` is the current plan step. Null: unknown. */
  trafficWeight(state: DeploymentState, step: Pick<PlanStep, 'newTrafficPercent'> | null): number | null;
  /** % of traffic on the new release as the observation shows it; `byPods` is the share of ready pods. */
  observedTraffic(state: DeploymentState, obs: Observation, byPods: number): number;
}
