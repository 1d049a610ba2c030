// Property tests of every machine against random observation sequences, failures and commands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../model/deployment/command.types';
import { isTerminal, type DeploymentContext, type DeploymentState } from '../model/deployment/deployment.types';
import { names } from '../model/deployment/topology.rules';
import { canaryReplicas } from './canary/canary.plan';
import { FakeCluster, type Breakage } from '../../test/fake-cluster.testing';
import { command, context, drive, seedPrevious } from '../../test/drive.testing';

const check = (name: string) => ({ name, url: 'http://shop/healthz', timeout: 1, interval: 1, count: 1, failureLimit: 0 });

const canaryStep = fc.oneof(
  fc.integer({ min: 0, max: 100 }).map((w) => ({ setWeight: w })),
  fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }).map((d) => ({ pause: d === undefined ? {} : { duration: d } })),
  fc.oneof(
    fc.integer({ min: 0, max: 12 }).map((replicas) => ({ setCanaryScale: { replicas } })),
    fc.integer({ min: 0, max: 100 }).map((weight) => ({ setCanaryScale: { weight } })),
    fc.constant({ setCanaryScale: { matchTrafficWeight: true } }),
  ),
  fc.constant({ check: check('step') }),
);

const routing = fc.constantFrom(
  { type: 'replicas' },
  { type: 'nginx', host: 'shop.example.com', header: { name: 'X-Canary', value: 'always' } },
  { type: 'gatewayApi', parentRef: { name: 'edge' } },
);

const strategy = fc.oneof(
  fc.constant({ type: 'Recreate', progressDeadlineSeconds: 60 }),
  fc.record({
    type: fc.constant('RollingUpdate'),
    maxSurge: fc.constantFrom(0, 1, '25%', '100%'),
    maxUnavailable: fc.constantFrom(1, '25%', '50%'),
    progressDeadlineSeconds: fc.constant(60),
  }),
  fc.record({
    type: fc.constant('BlueGreen'),
    autoPromotionEnabled: fc.boolean(),
    autoPromotionSeconds: fc.integer({ min: 0, max: 30 }),
    scaleDownDelaySeconds: fc.integer({ min: 0, max: 30 }),
    previewReplicaCount: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
    prePromotionChecks: fc.constantFrom([], [check('pre')]),
    postPromotionChecks: fc.constantFrom([], [check('post')]),
    progressDeadlineSeconds: fc.constant(60),
  }),
  fc.record({ type: fc.constant('Canary'), trafficRouting: routing, steps: fc.array(canaryStep, { minLength: 1, maxLength: 6 }), progressDeadlineSeconds: fc.constant(60) }),
);

const scenario = fc.record({
  strategy,
  replicas: fc.integer({ min: 1, max: 10 }),
  broken: fc.constantFrom<Breakage | null>(null, null, 'crash', 'pull', 'init', 'slow'),
  checkOutcome: fc.constantFrom<'Passed' | 'Failed' | 'Inconclusive'>('Passed', 'Passed', 'Failed', 'Inconclusive'),
  /** Pods each workload gains per tick, until the list runs out (then everything becomes ready). */
  pods: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }),
  commands: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 40 }), type: fc.constantFrom<Command['type']>('promote', 'pause', 'resume', 'abort', 'rollback', 'retry'), full: fc.boolean() }),
    { maxLength: 6 },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function setUp(s: Scenario): { ctx: DeploymentContext; cluster: FakeCluster } {
  const ctx = context(s.strategy, { replicas: s.replicas });
  const checkOutcome = { pre: s.checkOutcome, post: s.checkOutcome, step: s.checkOutcome };
  const cluster = seedPrevious(new FakeCluster({ broken: s.broken ? { v2: s.broken } : {}, checkOutcome }), ctx);
  return { ctx, cluster };
}

/** Most pods the machine may ever desire at once, beside what Kubernetes surges on its own. */
function allowance(ctx: DeploymentContext): number {
  const N = ctx.replicas;
  const s = ctx.strategy;
  switch (s.type) {
    case 'Recreate':
    case 'RollingUpdate':
      return N;
    case 'BlueGreen':
      return 2 * N;
    case 'Canary': {
      let weight = 0;
      let most = 0;
      let scale = null as Parameters<typeof canaryReplicas>[2];
      for (const step of s.steps) {
        if ('setWeight' in step) weight = step.setWeight;
        if ('setCanaryScale' in step) scale = 'matchTrafficWeight' in step.setCanaryScale ? null : step.setCanaryScale;
        most = Math.max(most, canaryReplicas(N, weight, scale));
      }
      return N + most;
    }
  }
}

function scripted(s: Scenario, operator: boolean) {
  const scriptedCommands = s.commands.map((c) => ({ at: c.at, cmd: command(c.type, c.type === 'promote' ? ({ full: c.full } as never) : {}) }));
  return (state: DeploymentState, i: number): Command[] => {
    const due = scriptedCommands.filter((c) => c.at === i).map((c) => c.cmd);
    // The operator answers every wait for a human so the run can end.
    if (operator && state.phase === 'Paused' && state.pauseReason !== 'UserPaused') due.push(command('promote'));
    if (operator && state.phase === 'Paused' && state.pauseReason === 'UserPaused') due.push(command('resume'));
    return due;
  };
}

const runs = { numRuns: 300 };

describe('machine invariants (fast-check)', () => {
  it('never desires more pods than replicas plus the strategy allowance', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { ctx, cluster } = setUp(s);
        drive(ctx, cluster, {
          maxTicks: 120,
          pods: (i) => s.pods[i] ?? 100,
          commands: scripted(s, true),
          check: (_d, c) => expect(c.desiredPods()).toBeLessThanOrEqual(allowance(ctx)),
        });
      }),
      runs,
    );
  });

  it('the active Service never selects a colour that is not ready', () => {
    const blueGreen = scenario.filter((s) => s.strategy.type === 'BlueGreen');
    fc.assert(
      fc.property(blueGreen, (s) => {
        const { ctx, cluster } = setUp(s);
        drive(ctx, cluster, {
          maxTicks: 120,
          pods: (i) => s.pods[i] ?? 100,
          commands: scripted(s, true),
          check: (d, _c, observed) => {
            for (const e of d.effects) {
              if (e.kind !== 'ensureService' || e.name !== names.primary(ctx.app)) continue;
              const colour = e.selector['cutover.dev/role'] as 'blue' | 'green';
              const w = observed.workloads[names.colour(ctx.app, colour)];
              expect(w?.availableReplicas ?? 0).toBeGreaterThanOrEqual(ctx.replicas);
            }
          },
        });
      }),
      runs,
    );
  });

  it('after abort, all traffic is on stable and the canary is at zero', () => {
    const canary = fc.record({ s: scenario.filter((x) => x.strategy.type === 'Canary'), abortAt: fc.integer({ min: 0, max: 20 }) });
    fc.assert(
      fc.property(canary, ({ s, abortAt }) => {
        const { ctx, cluster } = setUp({ ...s, commands: [] });
        const abort = command('abort');
        const result = drive(ctx, cluster, {
          maxTicks: 120,
          pods: (i) => s.pods[i] ?? 100,
          commands: (state, i) => (i === abortAt ? [abort] : scripted({ ...s, commands: [] }, true)(state, i)),
        });
        if (result.state.phase !== 'Aborted') return; // finished (or failed) before the abort came
        expect(cluster.workloads.get(names.canary(ctx.app))?.spec ?? 0).toBe(0);
        expect(cluster.workloads.get(names.stable(ctx.app))).toMatchObject({ release: 'v1', spec: ctx.replicas });
        if (cluster.traffic) expect(cluster.traffic).toEqual({ canaryWeight: 0, headerRoute: false });
      }),
      runs,
    );
  });

  it('a blue/green rollback deployment never waits for a promote: it ends on its own, serving its release when it succeeds', () => {
    const rollbacks = scenario.filter((x) => x.strategy.type === 'BlueGreen' && x.checkOutcome !== 'Inconclusive' && x.broken === null);
    fc.assert(
      fc.property(rollbacks, (s) => {
        const ctx = context(s.strategy, { replicas: s.replicas, kind: 'rollback' });
        const cluster = seedPrevious(new FakeCluster({ checkOutcome: { pre: s.checkOutcome, post: s.checkOutcome } }), ctx);
        // Nobody sends a command.
        const result = drive(ctx, cluster, { maxTicks: 200, pods: (i) => s.pods[i] ?? 100 });
        expect(result.decisions.some((d) => d.state.pauseReason === 'AwaitingPromotion')).toBe(false);
        expect(isTerminal(result.state.phase)).toBe(true);
        if (result.state.phase !== 'Succeeded') return;
        const colour = cluster.services.get(names.primary(ctx.app))?.['cutover.dev/role'] as 'blue' | 'green';
        expect(cluster.workloads.get(names.colour(ctx.app, colour))).toMatchObject({ release: ctx.release, spec: ctx.replicas });
      }),
      runs,
    );
  });

  it('always reaches a terminal phase within a bound when the cluster eventually settles', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { ctx, cluster } = setUp(s);
        const result = drive(ctx, cluster, { maxTicks: 200, pods: (i) => s.pods[i] ?? 100, commands: scripted(s, true) });
        expect(isTerminal(result.state.phase)).toBe(true);
      }),
      runs,
    );
  });

  it('applies each command at most once, however often it is handed in', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 4 }), (s, repeats) => {
        const { ctx, cluster } = setUp(s);
        const script = scripted(s, true);
        const handed: Command[] = [];
        const result = drive(ctx, cluster, {
          maxTicks: 120,
          pods: (i) => s.pods[i] ?? 100,
          // A worker that forgets to mark commands consumed hands every earlier command in again.
          commands: (state, i) => {
            handed.push(...script(state, i));
            return handed.slice(-repeats * 4);
          },
        });
        const outcomes = result.decisions.flatMap((d) => d.commands.map((c) => c.id));
        expect(new Set(outcomes).size).toBe(outcomes.length);
        const applied = result.decisions.flatMap((d) => d.events).filter((e) => e.type === 'CommandApplied').map((e) => e.data.commandId);
        expect(new Set(applied).size).toBe(applied.length);
      }),
      runs,
    );
  });
});
