// Test drivers: build a deployment context, seed the previous release the way its strategy leaves it, and run
// ticks against a FakeCluster the way the worker would (decide → apply effects → the cluster moves on).
import type { ApprovalRecordView } from '../src/model/deployment/approval.types';
import type { Command } from '../src/model/deployment/command.types';
import { decide, initialDeploymentState } from '../src/engine/decide.machine';
import { isTerminal, type DeploymentContext, type DeploymentState } from '../src/model/deployment/deployment.types';
import type { Decision } from '../src/model/deployment/effect.types';
import { baseSelector, names, roleSelector } from '../src/model/deployment/topology.rules';
import { parseStrategyDocument } from '../src/model/strategy-document/strategy-document.rules';
import type { StrategyRegistry } from '../src/strategies/strategy.registry';
import type { FakeCluster } from './fake-cluster.testing';

export function context(strategy: unknown, overrides: Partial<DeploymentContext> = {}): DeploymentContext {
  const parsed = parseStrategyDocument(strategy);
  if (!parsed.ok) throw new Error(`bad test strategy: ${JSON.stringify(parsed.errors)}`);
  return {
    app: 'shop',
    environment: 'prod',
    release: 'v2',
    previousRelease: 'v1',
    kind: 'deploy',
    replicas: 4,
    strategy: parsed.value,
    preDeployHooks: [],
    podRequests: null,
    ...overrides,
  };
}

/** The objects a previous deployment of `ctx.previousRelease` with the same strategy left behind. */
export function seedPrevious(cluster: FakeCluster, ctx: DeploymentContext, colour: 'blue' | 'green' = 'blue'): FakeCluster {
  const prev = ctx.previousRelease;
  if (prev === null) return cluster;
  const N = ctx.replicas;
  switch (ctx.strategy.type) {
    case 'Recreate':
    case 'RollingUpdate':
      return cluster.seedWorkload(names.primary(ctx.app), 'primary', prev, N).seedService(names.primary(ctx.app), baseSelector(ctx));
    case 'BlueGreen':
      return cluster
        .seedWorkload(names.colour(ctx.app, colour), colour, prev, N)
        .seedService(names.primary(ctx.app), roleSelector(ctx, colour))
        .seedService(names.preview(ctx.app), roleSelector(ctx, colour));
    case 'Canary':
      cluster.seedWorkload(names.stable(ctx.app), 'stable', prev, N);
      if (ctx.strategy.trafficRouting.type === 'replicas') return cluster.seedService(names.primary(ctx.app), baseSelector(ctx));
      cluster.traffic = { canaryWeight: 0, headerRoute: false };
      return cluster.seedService(names.stable(ctx.app), roleSelector(ctx, 'stable')).seedService(names.canary(ctx.app), roleSelector(ctx, 'canary'));
  }
}

export interface DriveOptions {
  maxTicks?: number;
  /** Milliseconds between ticks. */
  stepMs?: number;
  /** Commands handed to the tick number `i` (state before the tick). */
  commands?: (state: DeploymentState, i: number) => Command[];
  /** Pods each workload gains per tick (default: all at once). */
  pods?: (i: number) => number;
  /** Jobs and checks finish on each tick (default true). */
  finishJobs?: boolean;
  /** Called after each decision is applied (for invariants). */
  check?: (decision: Decision, cluster: FakeCluster, observation: ReturnType<FakeCluster['observe']>) => void;
  start?: DeploymentState;
  /** The strategies `decide` knows (default: the shipped ones). */
  machines?: StrategyRegistry;
  /** Approvals recorded before the tick number `i`. */
  approvals?: (state: DeploymentState, i: number) => ApprovalRecordView[];
}

export interface DriveResult {
  state: DeploymentState;
  decisions: Decision[];
  now: number;
}

export function drive(ctx: DeploymentContext, cluster: FakeCluster, options: DriveOptions = {}): DriveResult {
  const stepMs = options.stepMs ?? 5000;
  let state = options.start ?? initialDeploymentState(ctx, 0);
  let now = 0;
  const decisions: Decision[] = [];
  for (let i = 0; i < (options.maxTicks ?? 200); i++) {
    const observation = cluster.observe();
    const decision = decide(state, observation, options.commands?.(state, i) ?? [], now, options.machines, options.approvals?.(state, i) ?? []);
    cluster.apply(decision.effects);
    options.check?.(decision, cluster, observation);
    decisions.push(decision);
    state = decision.state;
    if (isTerminal(state.phase)) break;
    cluster.progress(options.pods?.(i) ?? Number.MAX_SAFE_INTEGER, options.finishJobs ?? true);
    now += stepMs;
  }
  return { state, decisions, now };
}

let ids = 0;
export function command(type: Command['type'], extra: Partial<Command> = {}): Command {
  ids += 1;
  return { id: `cmd-${ids}`, type, actor: 'alice', reason: null, ...extra } as Command;
}

export function phases(result: DriveResult): string[] {
  return result.decisions
    .flatMap((d) => d.events)
    .filter((e) => e.type === 'PhaseChanged')
    .map((e) => String((e.data as { to: string; pauseReason: string | null }).to) + ((e.data as { pauseReason: string | null }).pauseReason ? `(${(e.data as { pauseReason: string }).pauseReason})` : ''));
}
