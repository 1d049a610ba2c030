import { describe, expect, it } from 'vitest';
import type { ApprovalPolicy } from '../model/deployment/approval.types';
import { parseStrategyDocument } from '../model/strategy-document/strategy-document.rules';
import type { StrategyDocument } from '../model/strategy-document/strategy-document.types';
import { plan } from './deployment.plan';
import { planDeployment } from './deployment-report.plan';

function doc(input: unknown): StrategyDocument {
  const parsed = parseStrategyDocument(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}
const GI = 1024 ** 3;
const pod = { cpuMillis: 500, memoryBytes: GI };
const policy: ApprovalPolicy = { required: 2, from: ['deployer'], expiresAfterSeconds: null, excludeDeployer: true, on: 'both' };

describe('planDeployment', () => {
  it('blue/green that needs more than the free capacity: does not fit, says why', () => {
    const p = planDeployment({ strategy: doc({ type: 'BlueGreen' }), replicas: 4, previousRelease: '1.0.0', podRequests: pod, capacity: { free: { cpuMillis: 1000, memoryBytes: 8 * GI, pods: 100 } }, approvals: null });
    expect(p.verdict).toBe('does-not-fit');
    expect(p.extraPods).toBe(4);
    expect(p.resources.extra).toEqual({ cpuMillis: 2000, memoryBytes: 4 * GI });
    expect(p.warnings).toContainEqual(expect.objectContaining({ code: 'does-not-fit', message: expect.stringContaining('second full colour') }));
  });

  it('fits when the free capacity covers the peak; unknown without capacity, with a warning when it could not be read', () => {
    const input = { strategy: doc({ type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }), replicas: 4, previousRelease: '1.0.0', podRequests: pod, approvals: null };
    expect(planDeployment({ ...input, capacity: { free: { cpuMillis: 500, memoryBytes: GI, pods: 1 } } }).verdict).toBe('fits');
    expect(planDeployment({ ...input, capacity: null }).verdict).toBe('unknown');
    const failed = planDeployment({ ...input, capacity: { error: 'unreachable' } });
    expect(failed.verdict).toBe('unknown');
    expect(failed.warnings.map((w) => w.code)).toEqual(['capacity-unknown']);
  });

  it('lists the gates in order: approvals at the promotion points, pauses, checks, promotions', () => {
    const p = planDeployment({
      strategy: doc({ type: 'Canary', steps: [{ setWeight: 25 }, { pause: { duration: '30s' } }, { check: { url: 'http://x', count: 3, interval: 5 } }, { setWeight: 50 }, { pause: {} }] }),
      replicas: 4,
      previousRelease: '1.0.0',
      podRequests: null,
      capacity: null,
      approvals: policy,
    });
    expect(p.gates.map((g) => [g.kind, g.stepId, g.seconds])).toEqual([
      ['pause', 'step-2', 30],
      ['checks', 'step-3', 10],
      ['approval', 'step-5', null],
      ['promotion', 'step-5', null],
    ]);
    expect(p.minimumDurationSeconds).toBe(40);
  });

  it('gates a strategy without a promotion point (and a first deployment) once, before it starts', () => {
    const rolling = planDeployment({ strategy: doc({ type: 'RollingUpdate' }), replicas: 2, previousRelease: '1', podRequests: null, capacity: null, approvals: policy });
    expect(rolling.gates[0]).toMatchObject({ kind: 'approval', stepId: 'start', step: -1 });
    const first = planDeployment({ strategy: doc({ type: 'BlueGreen' }), replicas: 2, previousRelease: null, podRequests: pod, capacity: { free: { cpuMillis: 800, memoryBytes: 8 * GI, pods: 10 } }, approvals: policy });
    expect(first.direct).toBe(true);
    expect(first.steps).toHaveLength(1);
    expect(first.extraPods).toBe(2);
    expect(first.verdict).toBe('does-not-fit');
    expect(first.gates).toEqual([expect.objectContaining({ kind: 'approval', stepId: 'start' })]);
  });

  it('warns about a canary weight the replicas cannot express and a weight that goes backwards', () => {
    const p = planDeployment({ strategy: doc({ type: 'Canary', steps: [{ setWeight: 10 }, { setWeight: 40 }, { setWeight: 20 }] }), replicas: 3, previousRelease: '1', podRequests: null, capacity: null, approvals: null });
    expect(p.warnings.map((w) => [w.code, w.step])).toEqual([
      ['canary-weight-inexact', 0],
      ['weight-goes-backwards', 2],
      ['canary-weight-inexact', 2],
    ]);
    const nginx = planDeployment({ strategy: doc({ type: 'Canary', trafficRouting: { type: 'nginx', host: 'a' }, steps: [{ setWeight: 10 }] }), replicas: 3, previousRelease: '1', podRequests: null, capacity: null, approvals: null });
    expect(nginx.warnings).toEqual([]);
  });

  it('worst case to roll back: nothing to start while the previous release still runs, a progress deadline once it is gone', () => {
    const bg = planDeployment({ strategy: doc({ type: 'BlueGreen', progressDeadlineSeconds: 120 }), replicas: 3, previousRelease: '1', podRequests: null, capacity: null, approvals: null });
    expect(bg.steps.map((s) => [s.id, s.rollback.podsToStart, s.rollback.worstCaseSeconds])).toEqual([
      ['bringUp', 0, 0],
      ['awaitPromotion', 0, 0],
      ['switch', 0, 0],
      ['scaleDownDelay', 3, 120],
    ]);
    const canary = planDeployment({ strategy: doc({ type: 'Canary', steps: [{ setWeight: 50 }] }), replicas: 2, previousRelease: '1', podRequests: null, capacity: null, approvals: null });
    expect(canary.steps.map((s) => s.rollback.podsToStart)).toEqual([0, 2]);
    const recreate = planDeployment({ strategy: doc({ type: 'Recreate' }), replicas: 2, previousRelease: '1', podRequests: null, capacity: null, approvals: null });
    expect(recreate.steps.map((s) => s.rollback.podsToStart)).toEqual([2, 2]);
  });

  it('its steps are the engine plan the deployment detail shows', () => {
    const strategy = doc({ type: 'Canary', steps: [{ setWeight: 20 }, { pause: {} }] });
    const p = planDeployment({ strategy, replicas: 5, previousRelease: '1', podRequests: null, capacity: null, approvals: null });
    const engine = plan(strategy, 5);
    expect(p.steps.map(({ extraPods: _e, extra: _x, rollback: _r, ...s }) => s)).toEqual(engine.steps);
    expect(p.peakPods).toBe(engine.peakPods);
    expect(p.minimumDurationSeconds).toBe(engine.minimumDurationSeconds);
  });
});
