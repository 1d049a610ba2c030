import { loadConfig } from '@cutover/config';
import { initialDeploymentState, parseStrategyDocument, type Decision, type DeploymentState } from '@cutover/domain';
import { describe, expect, it } from 'vitest';
import { WorkerMetrics } from './worker-metrics.service';

const parsed = parseStrategyDocument({ type: 'Canary', steps: [{ setWeight: 50 }] });
if (!parsed.ok) throw new Error('bad strategy');
const ctx = { app: 'shop', environment: 'prod', release: '2.0.0', previousRelease: '1.0.0', kind: 'deploy' as const, replicas: 2, strategy: parsed.value, preDeployHooks: [], podRequests: null };

function observedAt(at: number | null): DeploymentState {
  const state = initialDeploymentState(ctx, 0);
  return at === null ? state : { ...state, status: { observedAt: at, step: null, sides: [], newTrafficPercent: 0, services: {}, pods: [] } };
}

async function reactions(metrics: WorkerMetrics): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString('cutover_reaction_seconds');
  return Number(/cutover_reaction_seconds_count (\d+)/.exec(text)?.[1] ?? 0);
}

describe('WorkerMetrics reaction', () => {
  const config = loadConfig({ CUTOVER_SECRET_KEY: 'a'.repeat(64) }, 'worker');
  const commit = (metrics: WorkerMetrics, before: DeploymentState, kind: 'decision' | 'status' = 'decision') =>
    metrics.committed({ id: 'd1', createdAt: new Date(0), state: before, commands: [] }, { state: { ...before, phase: 'Progressing' }, effects: [], events: [], commands: [], wakeAt: null } as Decision, kind);

  it('counts a wake answered by this decision', async () => {
    const metrics = new WorkerMetrics(config);
    const before = observedAt(Date.now() - 60_000);
    metrics.woken('d1');
    commit(metrics, before);
    expect(await reactions(metrics)).toBe(1);
  });

  it('not a wake an earlier tick (another worker\'s) already answered, nor a status-only commit', async () => {
    const metrics = new WorkerMetrics(config);
    metrics.woken('d1');
    commit(metrics, observedAt(Date.now() + 1_000));
    metrics.woken('d1');
    commit(metrics, observedAt(Date.now() - 60_000), 'status');
    expect(await reactions(metrics)).toBe(0);
  });
});
