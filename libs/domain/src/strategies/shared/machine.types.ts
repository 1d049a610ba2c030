// The contract every strategy machine fulfils. `decide` owns what is common (commands, hooks, failure detection,
// rollback, first deployments); a machine only knows how its own strategy moves the new release in.
import type { Verdict } from '../../model/deployment/command.types';
import type { DeploymentContext, DeploymentState, Failure } from '../../model/deployment/deployment.types';
import type { Effect, EnsureServiceEffect, WorkloadUpdateStrategy } from '../../model/deployment/effect.types';
import type { WorkloadRole } from '../../model/deployment/topology';
import type { StrategyType } from '../../model/strategy-document/strategy-document.types';
import type { Tick } from './tick';

/** The objects the new release serves from when it goes straight to serving (no comparable previous release). */
export interface DirectTopology {
  workloads: Array<{ name: string; role: WorkloadRole; updateStrategy: WorkloadUpdateStrategy | null }>;
  services: EnsureServiceEffect[];
  traffic: Effect[];
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
}
