import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../store/store.types';
import {
  computeHash,
  equalIgnoreHash,
  getProportion,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  resolveFenceposts,
  scaledValue,
  setNewReplicaSetAnnotations,
  type DeploymentStatus,
} from './deployment.rules';
import {
  calculateStatus,
  deploymentProgressing,
  deploymentTimedOut,
  setCondition,
} from './deployment-status';

function deployment(spec: Record<string, unknown> = {}, status: DeploymentStatus = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns', generation: 2, annotations: {} },
    spec: { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, progressDeadlineSeconds: 15, template: { metadata: { labels: { app: 'web' } } }, ...spec },
    status,
  };
}

function rs(name: string, replicas: number, status: Record<string, number> = {}, annotations: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, annotations, creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { replicas }, status: { replicas: 0, ...status } };
}

describe('fenceposts', () => {
  it('rounds maxSurge up and maxUnavailable down from percentages', () => {
    expect(scaledValue('25%', 10, true)).toBe(3);
    expect(scaledValue('25%', 10, false)).toBe(2);
    expect(resolveFenceposts('25%', '25%', 1)).toEqual([1, 0]);
    expect(resolveFenceposts('10%', '10%', 3)).toEqual([1, 0]);
  });

  it('makes one pod unavailable when both would be zero', () => {
    expect(resolveFenceposts(0, 0, 5)).toEqual([0, 1]);
    expect(resolveFenceposts('0%', '0%', 5)).toEqual([0, 1]);
  });

  it('gives Recreate no surge and no unavailability, and caps maxUnavailable at replicas', () => {
    const recreate = deployment({ strategy: { type: 'Recreate' } });
    expect(maxSurge(recreate)).toBe(0);
    expect(maxUnavailable(recreate)).toBe(0);
    expect(maxUnavailable(deployment({ replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } } }))).toBe(2);
  });
});

describe('pod-template-hash', () => {
  it('is a 10-or-fewer char safe-encoded value, stable, and changes with the template or collision count', () => {
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'a:v1' }] } };
    const h = computeHash(t);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(structuredClone(t))).toBe(h);
    expect(computeHash({ ...t, spec: { containers: [{ name: 'web', image: 'a:v2' }] } })).not.toBe(h);
    expect(computeHash(t, 1)).not.toBe(h);
  });

  it('compares templates ignoring the hash label', () => {
    const a = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { x: 1 } };
    const b = { metadata: { labels: { app: 'web' } }, spec: { x: 1 } };
    expect(equalIgnoreHash(a, b)).toBe(true);
    expect(equalIgnoreHash(a, { ...b, spec: { x: 2 } })).toBe(false);
  });
});

describe('rolling arithmetic', () => {
  it('scales a new replica set up to maxSurge above the desired count', () => {
    const d = deployment();
    const newRS = rs('new', 0);
    expect(newRSNewReplicas(d, [rs('old', 4), newRS], newRS)).toBe(1);
    expect(newRSNewReplicas(d, [rs('old', 3), rs('new', 1)], rs('new', 1))).toBe(2);
    expect(newRSNewReplicas(d, [rs('old', 4), rs('new', 1)], rs('new', 1))).toBe(1);
  });

  it('shares a scale-up proportionally using the max-replicas annotation', () => {
    const d = deployment({ replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    const a = rs('a', 8, {}, { 'deployment.kubernetes.io/max-replicas': '13' });
    // Growing 10 → 20 replicas (max 13 → 23): an RS holding 8 of 13 gets round(8*23/13) - 8 = 6 more.
    const grown = deployment({ replicas: 20, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    expect(getProportion(a, grown, 10, 0)).toBe(6);
    expect(getProportion(a, grown, 3, 0)).toBe(3);
    expect(getProportion(a, d, 0, 0)).toBe(0);
  });
});

describe('status and conditions', () => {
  it('omits zero counters and derives Available from maxUnavailable', () => {
    const d = deployment();
    const s = calculateStatus([rs('old', 4, { replicas: 4, readyReplicas: 4, availableReplicas: 4 }), rs('new', 1, { replicas: 1 })], rs('new', 1, { replicas: 1 }), d, '2026-01-01T00:00:00Z');
    expect(s).toMatchObject({ observedGeneration: 2, replicas: 5, updatedReplicas: 1, readyReplicas: 4, availableReplicas: 4, unavailableReplicas: 1 });
    expect(s.conditions).toEqual([expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' })]);
    const done = calculateStatus([rs('new', 4, { replicas: 4, readyReplicas: 4, availableReplicas: 4 })], rs('new', 4, { replicas: 4, readyReplicas: 4, availableReplicas: 4 }), d, 'now');
    expect(done).not.toHaveProperty('unavailableReplicas');
  });

  it('keeps lastTransitionTime when the status stays and moves the condition to the end', () => {
    const s: DeploymentStatus = { conditions: [
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'm', lastUpdateTime: 't0', lastTransitionTime: 't0' },
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'm', lastUpdateTime: 't0', lastTransitionTime: 't0' },
    ] };
    setCondition(s, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'x', lastUpdateTime: 't1', lastTransitionTime: 't1' });
    expect(s.conditions!.map((c) => c.type)).toEqual(['Available', 'Progressing']);
    expect(s.conditions![1]).toMatchObject({ lastUpdateTime: 't1', lastTransitionTime: 't0' });
    setCondition(s, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'y', lastUpdateTime: 't2', lastTransitionTime: 't2' });
    expect(s.conditions![1]).toMatchObject({ message: 'x', lastUpdateTime: 't1' });
  });

  it('detects progress and the deadline', () => {
    const d = deployment({}, { replicas: 5, updatedReplicas: 1, readyReplicas: 4, availableReplicas: 4 });
    expect(deploymentProgressing(d, { replicas: 5, updatedReplicas: 1, readyReplicas: 5, availableReplicas: 5 })).toBe(true);
    expect(deploymentProgressing(d, { replicas: 5, updatedReplicas: 1, readyReplicas: 4, availableReplicas: 4 })).toBe(false);
    const cond = { type: 'Progressing', status: 'True' as const, reason: 'ReplicaSetUpdated', message: '', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' };
    const t = Date.parse('2026-01-01T00:00:00Z');
    expect(deploymentTimedOut(d, { conditions: [cond] }, t + 15_000)).toBe(false);
    expect(deploymentTimedOut(d, { conditions: [cond] }, t + 15_001)).toBe(true);
    expect(deploymentTimedOut(d, { conditions: [{ ...cond, reason: 'NewReplicaSetAvailable' }] }, t + 60_000)).toBe(false);
  });
});

describe('revision annotations', () => {
  it('bumps a reused replica set to the next revision and records the old one in revision-history', () => {
    const d = deployment();
    const old = rs('old', 4, {}, { 'deployment.kubernetes.io/revision': '1' });
    expect(setNewReplicaSetAnnotations(d, old, 3, true)).toBe(true);
    expect(old.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(setNewReplicaSetAnnotations(d, old, 3, true)).toBe(false);
    const fresh = rs('new', 0);
    setNewReplicaSetAnnotations(d, fresh, 1, false);
    expect(fresh.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' });
  });
});
