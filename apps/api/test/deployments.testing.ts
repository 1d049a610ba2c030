// Shared by the deployments e2e specs: a seeded app/environment/releases on the real api, and machine states in
// every phase (written straight through DeploymentRepository.saveState, as a worker tick would).
import request from 'supertest';
import type { DeploymentState, PauseReason, Phase } from '@cutover/domain';
import { DeploymentRepository, type PrismaClient, TransactionRunner } from '@cutover/persistence';
import type { TestApi } from './test-api';

export const canaryStrategy = {
  type: 'Canary',
  trafficRouting: { type: 'replicas' },
  steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '30s' } }, { setWeight: 100 }],
};

export const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** An app with one environment (4 replicas, canary by default) on a cluster row, and releases 1.0.0 .. 1.0.<n-1>. */
export async function seedApp(api: TestApi, db: PrismaClient, admin: string, app: string, envs: string[], releases = 4): Promise<void> {
  const cluster = `${app}-cluster`;
  // Registered straight in the table: the api would check the credentials against a real cluster.
  await db.cluster.create({ data: { name: cluster, server: 'https://127.0.0.1:6443', authKind: 'token', credentials: Buffer.from('unused') } });
  await request(api.server).post('/v1/apps').set(as(admin)).send({ name: app }).expect(201);
  for (const env of envs) {
    await request(api.server)
      .post(`/v1/apps/${app}/environments`)
      .set(as(admin))
      .send({ name: env, cluster, namespace: app, replicas: 4, strategy: canaryStrategy })
      .expect(201);
  }
  for (let i = 0; i < releases; i += 1) {
    await request(api.server).post(`/v1/apps/${app}/releases`).set(as(admin)).send({ version: `1.0.${i}`, image: `registry.local/${app}:1.0.${i}` }).expect(201);
  }
}

export type Scenario = { phase: Phase; pauseReason?: PauseReason; rollout?: 'none' | 'canaryStep' };

/** The deployment's state moved to `scenario`, as the worker would have left it. */
export function stateFor(base: DeploymentState, scenario: Scenario, stepIndex = 1): DeploymentState {
  const rolloutStarted = scenario.rollout !== 'none' && scenario.phase !== 'Pending';
  return {
    ...base,
    phase: scenario.phase,
    pauseReason: scenario.pauseReason ?? null,
    baseline: rolloutStarted ? { workloads: [], services: [] } : null,
    rollout: rolloutStarted
      ? { kind: 'canary', stage: 'steps', since: 0, stepIndex, stepEntered: true, weight: 25, scale: null, checkAttempt: 1 }
      : null,
    failure: scenario.phase === 'Failed' ? { code: 'CrashLoopBackOff', reason: 'container `web` crashed, exit 1', at: Date.now(), data: {} } : null,
  };
}

export class DeploymentStates {
  private readonly repo: DeploymentRepository;
  private readonly tx: TransactionRunner;

  constructor(api: TestApi) {
    this.repo = api.app.get(DeploymentRepository, { strict: false });
    this.tx = api.app.get(TransactionRunner, { strict: false });
  }

  async state(id: string): Promise<DeploymentState> {
    const d = await this.repo.findById(id);
    if (!d) throw new Error(`no deployment ${id}`);
    return d.state;
  }

  /** Saves the state; `clearCommands` refuses what is pending, as a worker tick consuming them would. */
  async set(id: string, scenario: Scenario, clearCommands = true): Promise<void> {
    const base = await this.state(id);
    await this.tx.run(async (tx) => {
      if (clearCommands) await this.repo.rejectPendingCommands(tx, id, 'cleared by the test');
      await this.repo.saveState(tx, id, stateFor(base, scenario));
    });
  }

  async setRaw(id: string, state: DeploymentState): Promise<void> {
    await this.tx.run((tx) => this.repo.saveState(tx, id, state));
  }
}
