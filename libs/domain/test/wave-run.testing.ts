// Builders and a tiny simulated world for the wave run machine's specs: deployments that the spec moves by hand.
import { decideWaveRun, initialWaveRunState, recordStarted, type WaveRunInit } from '../src/engine/waves/wave-run.machine';
import type { Phase } from '../src/model/deployment/deployment.types';
import type { WaveGate, WaveRunDecision, WaveRunObservation, WaveRunPolicy, WaveRunState } from '../src/model/waves/wave-run.types';

export const noGate: WaveGate = { bakeSeconds: null, manual: false, analysis: null, approval: null };

export function runInit(waves: Array<{ envs: string[]; gate?: Partial<WaveGate>; maxParallel?: number | null }>, policy: Partial<WaveRunPolicy> = {}): WaveRunInit {
  return {
    app: 'shop',
    release: '2.0.0',
    waves: waves.map((w, i) => ({
      name: `wave-${i + 1}`,
      maxParallel: w.maxParallel ?? null,
      selector: null,
      strategy: null,
      gate: { ...noGate, ...w.gate },
      environments: w.envs.map((e) => ({ environment: e, environmentId: `id-${e}`, cluster: 'c1' })),
    })),
    policy: { stopOnFailure: true, rollbackCompleted: false, failureBudget: 0, supersede: false, ...policy },
    createdBy: 'alice',
    createdByTokenId: null,
    reason: null,
  };
}

/** Deployments the run started, and their phases; starting one gives it id `dep-<env>` in phase Pending. */
export class World {
  readonly phases = new Map<string, Phase>();
  readonly started: string[] = [];
  /** Environments whose start is refused (busy). */
  readonly refuse = new Set<string>();

  /** Carries out the startDeployments effects of a decision, as the commit does. */
  apply(decision: WaveRunDecision, now: number): WaveRunState {
    let state = decision.state;
    for (const e of decision.effects) {
      if (e.kind !== 'startDeployments') continue;
      const results = e.environments.map((env) => {
        if (this.refuse.has(env)) return { environment: env, deploymentId: null, phase: 'Refused' as const, reason: 'busy' };
        this.phases.set(`dep-${env}`, 'Pending');
        this.started.push(env);
        return { environment: env, deploymentId: `dep-${env}`, phase: 'Pending' as const, reason: null };
      });
      state = recordStarted(state, e.wave, results, now).state;
    }
    return state;
  }

  observation(): WaveRunObservation {
    return { deployments: Object.fromEntries([...this.phases].map(([id, phase]) => [id, { phase, reason: phase === 'Failed' ? 'boom' : null }])) };
  }

  set(env: string, phase: Phase): void {
    this.phases.set(`dep-${env}`, phase);
  }
}

export function start(world: World, init: WaveRunInit, now = 1_000): WaveRunState {
  return world.apply(initialWaveRunState(init, now), now);
}

export function tick(world: World, state: WaveRunState, now: number): { state: WaveRunState; decision: WaveRunDecision } {
  const decision = decideWaveRun(state, world.observation(), now);
  return { state: world.apply(decision, now), decision };
}
