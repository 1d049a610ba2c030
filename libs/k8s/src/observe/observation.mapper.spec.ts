import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../manifests/manifest.types';
import { buildObservation, capacityObservation, podObservation, trafficObservation } from './observation.mapper';

const labels = (role: string, release: string) => ({ 'app.kubernetes.io/name': 'shop', 'cutover.dev/environment': 'prod', 'cutover.dev/role': role, 'cutover.dev/release': release, 'app.kubernetes.io/managed-by': 'cutover' });

describe('observation mapper', () => {
  it('maps a pod whose init container crash-loops, in spec order, with the last exit code', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'shop-canary-x', labels: labels('canary', '2.0.0') },
      spec: { initContainers: [{ name: 'migrate' }, { name: 'seed' }], containers: [{ name: 'app' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'migrate', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } }, restartCount: 3 }],
        containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }],
      },
    };
    const p = podObservation('shop', pod);
    expect(p).toMatchObject({ workload: 'shop-canary', role: 'canary', release: '2.0.0', phase: 'Pending', ready: false, terminating: false });
    expect(p.initContainers).toEqual([
      { name: 'migrate', state: 'waiting', reason: 'CrashLoopBackOff', exitCode: 1, restartCount: 3, ready: false },
      { name: 'seed', state: 'waiting', reason: null, exitCode: null, restartCount: 0, ready: false },
    ]);
  });

  it('keeps only the app and environment asked for, and reads Deployment status and conditions', () => {
    const d = (name: string, app: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, generation: 3, labels: { ...labels('primary', '1.0.0'), 'app.kubernetes.io/name': app } },
      spec: { replicas: 4, paused: true },
      status: { observedGeneration: 3, replicas: 4, updatedReplicas: 4, readyReplicas: 3, availableReplicas: 3, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' }] },
    });
    const obs = buildObservation({ app: 'shop', environment: 'prod' }, { deployments: [d('shop', 'shop'), d('other', 'other')], pods: [], services: [], jobs: [], ingresses: [], httproutes: [] });
    expect(Object.keys(obs.workloads)).toEqual(['shop']);
    expect(obs.workloads.shop).toMatchObject({ specReplicas: 4, paused: true, readyReplicas: 3, unavailableReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
  });

  it('reads the canary weight from the NGINX canary Ingress or the HTTPRoute (defaulted path matches ignored)', () => {
    const ingress: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop-canary', annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '40' } } };
    expect(trafficObservation('shop', [ingress], [])).toEqual({ canaryWeight: 40, headerRoute: false });
    const route: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'shop' },
      spec: {
        rules: [
          { matches: [{ headers: [{ name: 'X', value: '1' }] }], backendRefs: [{ name: 'shop-canary', weight: 1 }] },
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'shop-stable', weight: 90 }, { name: 'shop-canary', weight: 10 }] },
        ],
      },
    };
    expect(trafficObservation('shop', [], [route])).toEqual({ canaryWeight: 10, headerRoute: true });
    expect(trafficObservation('shop', [], [])).toBeNull();
  });

  it('free capacity: allocatable of schedulable nodes minus requests of running pods', () => {
    const node = (name: string, unschedulable = false): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { unschedulable }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });
    const pod = (nodeName: string, phase = 'Running'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName, containers: [{ resources: { requests: { cpu: '500m', memory: '1Gi' } } }] }, status: { phase } });
    expect(capacityObservation([node('a'), node('b', true)], [pod('a'), pod('a', 'Succeeded'), pod('b')])).toEqual({ cpuMillis: 3500, memoryBytes: 7 * 1024 ** 3, pods: 109 });
  });
});
