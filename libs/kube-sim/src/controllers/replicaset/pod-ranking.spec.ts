import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../store/store.types';
import { isPodAvailable, rankPodsForDeletion } from './pod-ranking';

function pod(name: string, o: { node?: string; phase?: string; readySince?: string; created?: string; restarts?: number } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, uid: name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
    spec: { ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

describe('ReplicaSet scale-down order', () => {
  it('deletes unscheduled, then pending, then not ready, then recently ready pods first', () => {
    const pods = [
      pod('old-ready', { node: 'n1', readySince: '2026-01-01T00:00:10Z' }),
      pod('new-ready', { node: 'n2', readySince: '2026-01-01T00:05:00Z' }),
      pod('not-ready', { node: 'n3' }),
      pod('pending', { node: 'n3', phase: 'Pending' }),
      pod('unscheduled', { phase: 'Pending' }),
    ];
    expect(rankPodsForDeletion(pods, pods).map((p) => p.metadata.name)).toEqual(['unscheduled', 'pending', 'not-ready', 'new-ready', 'old-ready']);
  });

  it('prefers pods doubled up on a node, then more restarts, then newer', () => {
    const a = pod('a', { node: 'n1', readySince: '2026-01-01T00:00:00Z' });
    const b = pod('b', { node: 'n1', readySince: '2026-01-01T00:00:00Z', restarts: 3 });
    const c = pod('c', { node: 'n2', readySince: '2026-01-01T00:00:00Z', restarts: 5 });
    expect(rankPodsForDeletion([a, b, c], [a, b, c]).map((p) => p.metadata.name)).toEqual(['b', 'a', 'c']);
  });

  it('counts a ready pod available only after minReadySeconds', () => {
    const p = pod('p', { readySince: '2026-01-01T00:00:00Z' });
    const t = Date.parse('2026-01-01T00:00:00Z');
    expect(isPodAvailable(p, 0, t)).toBe(true);
    expect(isPodAvailable(p, 10, t + 9_999)).toBe(false);
    expect(isPodAvailable(p, 10, t + 10_000)).toBe(true);
    expect(isPodAvailable(pod('q'), 0, t)).toBe(false);
  });
});
