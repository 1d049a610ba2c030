import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../manifests/manifest.types';
import { buildObservation } from '../observe/observation.mapper';
import { lostAnnotations, trimForCache } from './cached-object.mapper';
import { WATCHED } from './owned-objects.watch';

// Objects as a real API server sends them (managedFields, kubectl's last-applied-configuration, full pod templates),
// for the app `shop` in `prod`: one canary at 50%.
const labels = (role: string, release: string) => ({
  'app.kubernetes.io/name': 'shop',
  'app.kubernetes.io/managed-by': 'cutover',
  'cutover.dev/environment': 'prod',
  'cutover.dev/release': release,
  'cutover.dev/role': role,
});
const managedFields = [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: '2026-12-07T07:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:replicas': {}, 'f:conditions': { '.': {} } } } }];
const lastApplied = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'app', image: 'shop:1' }] } } }, padding: 'x'.repeat(400) });
const podTemplate = {
  metadata: { labels: labels('stable', '1.0.0'), annotations: { 'cutover.dev/release': '1.0.0' } },
  spec: { containers: [{ name: 'app', image: 'shop:1.0.0', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: 'b' }], resources: { requests: { cpu: '100m' } } }], terminationGracePeriodSeconds: 30 },
};

const deployment = (name: string, role: string, release: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    resourceVersion: '41',
    generation: 3,
    labels: labels(role, release),
    annotations: { 'cutover.dev/release': release, 'cutover.dev/spec-hash': 'abc', 'deployment.kubernetes.io/revision': '2', 'kubectl.kubernetes.io/last-applied-configuration': lastApplied },
    ...({ creationTimestamp: '2026-12-07T07:00:00Z', managedFields } as object),
  },
  spec: { replicas: 1, paused: false, selector: { matchLabels: labels(role, release) }, template: podTemplate, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } }, revisionHistoryLimit: 3, progressDeadlineSeconds: 600 },
  status: {
    observedGeneration: 3,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2026-12-07T07:00:00Z', lastTransitionTime: '2026-12-07T07:00:00Z' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "shop-stable-7d9" has successfully progressed.', lastUpdateTime: '2026-12-07T07:00:00Z', lastTransitionTime: '2026-12-07T07:00:00Z' },
    ],
  },
});

const pod = (name: string, role: string, release: string, state: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    resourceVersion: '52',
    labels: { ...labels(role, release), 'pod-template-hash': '7d9' },
    annotations: { 'cutover.dev/release': release, 'sidecar.istio.io/status': 'x'.repeat(300), 'prometheus.io/scrape': 'true' },
    ownerReferences: [{ kind: 'ReplicaSet', name: `${name}-rs`, uid: 'u', controller: true }],
    ...({ managedFields } as object),
  },
  spec: {
    initContainers: [{ name: 'migrate', image: 'shop-migrate:1', command: ['./migrate'] }],
    containers: [{ name: 'app', image: 'shop:1', env: [{ name: 'A', value: 'b' }], volumeMounts: [{ name: 'v', mountPath: '/v' }] }, { name: 'proxy', image: 'envoy' }],
    volumes: [{ name: 'v', emptyDir: {} }],
    nodeName: 'node-1',
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
  status: {
    phase: 'Running',
    hostIP: '10.0.0.1',
    podIP: '10.1.0.7',
    startTime: '2026-12-07T07:00:00Z',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: '2026-12-07T07:00:00Z' },
      { type: 'Ready', status: 'True', lastTransitionTime: '2026-12-07T07:00:01Z' },
    ],
    initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 1, image: 'shop-migrate:1', imageID: 'sha256:1', state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: 'a', finishedAt: 'b', containerID: 'c' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: 'a' } } }],
    containerStatuses: [
      { name: 'app', ready: true, restartCount: 0, image: 'shop:1', imageID: 'sha256:2', containerID: 'c2', started: true, state, lastState: {} },
      { name: 'proxy', ready: false, restartCount: 4, image: 'envoy', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } },
    ],
  },
});

const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'shop', namespace: 'shop', resourceVersion: '9', labels: labels('service', '2.0.0'), annotations: { 'cutover.dev/spec-hash': 'def' }, ...({ managedFields } as object) },
  spec: { selector: { 'app.kubernetes.io/name': 'shop', 'cutover.dev/environment': 'prod' }, ports: [{ port: 80, targetPort: 8080 }], clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], type: 'ClusterIP', sessionAffinity: 'None' },
  status: { loadBalancer: {} },
};

const job: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'shop-2-0-0-migrate', namespace: 'shop', resourceVersion: '77', labels: labels('hook', '2.0.0'), annotations: { 'cutover.dev/attempt': '2' } },
  spec: { backoffLimit: 0, template: podTemplate },
  status: { active: 0, succeeded: 0, failed: 1, startTime: 'a', conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: 'a' }] },
};

const route: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'shop', namespace: 'shop', resourceVersion: '88', labels: labels('route', '2.0.0'), annotations: { 'cutover.dev/spec-hash': 'r' } },
  spec: {
    parentRefs: [{ name: 'gw' }],
    rules: [
      { matches: [{ headers: [{ name: 'x-canary', value: 'always' }] }], backendRefs: [{ name: 'shop-canary', port: 80 }] },
      { backendRefs: [{ name: 'shop-stable', port: 80, weight: 50 }, { name: 'shop-canary', port: 80, weight: 50 }] },
    ],
  },
  status: { parents: [{ conditions: [{ type: 'Accepted', status: 'True' }] }] },
};

const ingress: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'shop-canary', namespace: 'shop', resourceVersion: '89', labels: labels('route', '2.0.0'), annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '50', 'nginx.ingress.kubernetes.io/canary-by-header': 'x-canary' } },
  spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-canary', port: { number: 80 } } } }] } }] },
  status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
};

const raw = {
  deployments: [deployment('shop-stable', 'stable', '1.0.0'), deployment('shop-canary', 'canary', '2.0.0')],
  pods: [
    pod('shop-stable-1', 'stable', '1.0.0', { running: { startedAt: '2026-12-07T07:00:00Z' } }),
    pod('shop-canary-1', 'canary', '2.0.0', { terminated: { exitCode: 2, reason: 'Error', message: 'boom', finishedAt: 'b' } }),
  ],
  services: [service],
  jobs: [job],
  ingresses: [ingress],
  httproutes: [route],
};
const trimmed = Object.fromEntries(Object.entries(raw).map(([kind, list]) => [kind, list.map((o) => trimForCache(kind as keyof typeof raw, o, WATCHED[kind as keyof typeof raw]))])) as typeof raw;
const target = { app: 'shop', environment: 'prod' };

describe('trimForCache', () => {
  it('gives ticks the same observation as the whole objects (every field observation.mapper reads)', () => {
    expect(buildObservation(target, trimmed)).toEqual(buildObservation(target, raw));
    // The traffic read of both kinds of route: the NGINX canary Ingress, then the HTTPRoute alone.
    expect(buildObservation(target, { ...trimmed, ingresses: [] }).traffic).toEqual(buildObservation(target, { ...raw, ingresses: [] }).traffic);
    expect(buildObservation(target, trimmed).jobs['shop-2-0-0-migrate']).toMatchObject({ attempt: 2, status: 'Failed', message: 'Job has reached the specified backoff limit' });
  });

  it('keeps what the effects compare: spec hash, replicas, paused, update strategy, Service selector, resourceVersion', () => {
    const d = trimmed.deployments[0]!;
    expect(d).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop-stable', namespace: 'shop', uid: 'uid-shop-stable', resourceVersion: '41', generation: 3 } });
    expect(d.metadata.annotations).toEqual({ 'cutover.dev/release': '1.0.0', 'cutover.dev/spec-hash': 'abc', 'deployment.kubernetes.io/revision': '2' });
    expect(d.spec).toEqual({ replicas: 1, paused: false, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } }, progressDeadlineSeconds: 600 });
    expect(trimmed.services[0]!.spec).toEqual({ selector: raw.services[0]!.spec!.selector });
    expect(trimmed.services[0]!.metadata.annotations).toEqual({ 'cutover.dev/spec-hash': 'def' });
    expect(trimmed.jobs[0]!.metadata.annotations).toEqual({ 'cutover.dev/attempt': '2' });
    expect(trimmed.httproutes[0]!.spec).toEqual(raw.httproutes[0]!.spec);
    expect(trimmed.ingresses[0]!.metadata.annotations).toEqual(raw.ingresses[0]!.metadata.annotations);
  });

  it('strips managedFields, long annotations, pod templates, pod details and timestamps', () => {
    const d = trimmed.deployments[0]! as KubeObject & { metadata: Record<string, unknown> };
    expect(d.metadata).not.toHaveProperty('managedFields');
    expect(d.metadata).not.toHaveProperty('creationTimestamp');
    expect(d.spec).not.toHaveProperty('template');
    expect(d.spec).not.toHaveProperty('selector');
    expect((d.status!.conditions as object[])[0]).toEqual({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    const p = trimmed.pods[0]!;
    expect(p.metadata).toEqual({ name: 'shop-stable-1', namespace: 'shop', resourceVersion: '52', labels: raw.pods[0]!.metadata.labels, annotations: { 'cutover.dev/release': '1.0.0' } });
    expect(p.spec).toEqual({ initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }, { name: 'proxy' }] });
    expect(p.status).toEqual({
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 1, state: { terminated: { exitCode: 0, reason: 'Completed' } }, lastState: { terminated: { exitCode: 1 } } }],
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
        { name: 'proxy', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137 } } },
      ],
    });
    expect(trimmed.jobs[0]!.spec).toBeUndefined();
    expect(trimmed.services[0]!.status).toBeUndefined();
    // A fraction of the bytes.
    const bytes = (x: unknown) => JSON.stringify(x).length;
    expect(bytes(trimmed.pods)).toBeLessThan(bytes(raw.pods) / 2);
    expect(bytes(trimmed.deployments)).toBeLessThan(bytes(raw.deployments) / 2);
  });

  it('marks an object that lost annotations others set, so a replace reads it first; pods and untouched objects are not marked', () => {
    expect(lostAnnotations(trimmed.deployments[0]!)).toBe(true);
    expect(lostAnnotations(trimmed.services[0]!)).toBe(false);
    expect(lostAnnotations(trimmed.pods[0]!)).toBe(false);
    expect(lostAnnotations(raw.deployments[0]!)).toBe(false);
  });

  it('sets apiVersion and kind (list items come without them) and leaves the input alone', () => {
    const item = { metadata: { name: 'x', labels: {} }, spec: { selector: {} } } as unknown as KubeObject;
    expect(trimForCache('services', item, WATCHED.services)).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', labels: {} }, spec: { selector: {} } });
    expect(raw.deployments[0]!.spec).toHaveProperty('template');
  });
});
