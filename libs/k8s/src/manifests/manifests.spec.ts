import { describe, expect, it } from 'vitest';
import type { ReleaseSpec } from '@cutover/domain';
import { deploymentManifest, hookJobManifest, serviceManifest, trafficManifests } from './manifests';
import type { AppTarget, KubeObject } from './manifest.types';
import { SPEC_HASH_ANNOTATION } from './manifest.types';

const target: AppTarget = { app: 'shop', environment: 'prod', namespace: 'shop', servicePort: 80, serviceTargetPort: null, serviceTargetPortName: 'http' };
const spec: ReleaseSpec = {
  podSpec: {
    containers: [{ name: 'app', image: 'shop:2', imagePullPolicy: 'IfNotPresent', env: [{ name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }], resources: { requests: { cpu: '100m' } } }],
    initContainers: [{ name: 'migrate', image: 'shop-migrate:2', imagePullPolicy: 'IfNotPresent' }],
    volumes: [{ name: 'cache', emptyDir: {} }],
    terminationGracePeriodSeconds: 30,
  },
  podLabels: { team: 'web' },
  podAnnotations: { 'prometheus.io/scrape': 'true' },
  hooks: { preDeploy: [{ name: 'migrate', backoffLimit: 1, podSpec: { containers: [{ name: 'm', image: 'm:2', imagePullPolicy: 'IfNotPresent' }], initContainers: [], volumes: [], terminationGracePeriodSeconds: 5, restartPolicy: 'Never' } }] },
};
const release = { version: '2.0.0', spec };

describe('deploymentManifest', () => {
  const effect = {
    kind: 'ensureWorkload' as const,
    name: 'shop-canary',
    role: 'canary',
    release: '2.0.0',
    replicas: 2,
    paused: false,
    updateStrategy: { type: 'RollingUpdate' as const, maxSurge: 1, maxUnavailable: '25%', minReadySeconds: 5, progressDeadlineSeconds: 120 },
  };

  it('labels everything, selects by role (never by release) and carries the whole pod spec', () => {
    const d = deploymentManifest(target, effect, release);
    const labels = { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'cutover', 'cutover.dev/environment': 'prod', 'cutover.dev/release': '2.0.0', 'cutover.dev/role': 'canary' };
    expect(d.metadata).toMatchObject({ name: 'shop-canary', namespace: 'shop', labels });
    expect(d.spec).toMatchObject({
      replicas: 2,
      paused: false,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'shop', 'cutover.dev/environment': 'prod', 'cutover.dev/role': 'canary' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
      minReadySeconds: 5,
      progressDeadlineSeconds: 120,
    });
    const template = d.spec!.template as { metadata: KubeObject['metadata']; spec: Record<string, unknown> };
    expect(template.metadata.labels).toEqual({ team: 'web', ...labels });
    // The release's own annotations, plus the verbatim version (the label may only hold a DNS-safe form of it).
    expect(template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'cutover.dev/release': '2.0.0' });
    expect(d.metadata.annotations).toMatchObject({ 'cutover.dev/release': '2.0.0' });
    expect(template.spec).toMatchObject({ containers: spec.podSpec.containers, initContainers: spec.podSpec.initContainers, volumes: spec.podSpec.volumes, terminationGracePeriodSeconds: 30 });
  });

  it('keeps the current update strategy when the effect does not set one, and the hash tells changes apart', () => {
    const current = deploymentManifest(target, effect, release);
    const kept = deploymentManifest(target, { ...effect, updateStrategy: null }, release, current);
    expect(kept.spec!.strategy).toEqual(current.spec!.strategy);
    const scaled = deploymentManifest(target, { ...effect, replicas: 3 }, release);
    expect(scaled.metadata.annotations![SPEC_HASH_ANNOTATION]).not.toBe(current.metadata.annotations![SPEC_HASH_ANNOTATION]);
    expect(deploymentManifest(target, effect, release).metadata.annotations![SPEC_HASH_ANNOTATION]).toBe(current.metadata.annotations![SPEC_HASH_ANNOTATION]);
  });

  it('Recreate sets the strategy type and the deadline', () => {
    const d = deploymentManifest(target, { ...effect, updateStrategy: { type: 'Recreate', progressDeadlineSeconds: 60 } }, release);
    expect(d.spec).toMatchObject({ strategy: { type: 'Recreate' }, progressDeadlineSeconds: 60 });
  });
});

describe('serviceManifest, hookJobManifest, trafficManifests', () => {
  it('a Service with the exact selector and the environment ports', () => {
    const s = serviceManifest(target, { kind: 'ensureService', name: 'shop', selector: { a: 'b' } }, '2.0.0');
    expect(s.spec).toEqual({ type: 'ClusterIP', selector: { a: 'b' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
  });

  it('a hook Job with the attempt, role hook, and the hook pod spec', () => {
    const j = hookJobManifest(target, { kind: 'ensureHookJob', name: 'shop-2-0-0-migrate', release: '2.0.0', hook: 'migrate', attempt: 2 }, release);
    expect(j.metadata.annotations).toMatchObject({ 'cutover.dev/attempt': '2' });
    expect(j.metadata.labels).toMatchObject({ 'cutover.dev/role': 'hook' });
    expect(j.spec).toMatchObject({ backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm' }] } } });
    expect(() => hookJobManifest(target, { kind: 'ensureHookJob', name: 'x', release: '2.0.0', hook: 'nope', attempt: 1 }, release)).toThrow(/nope/);
  });

  it('NGINX: stable Ingress and a canary Ingress with weight and header', () => {
    const [main, canary] = trafficManifests(
      target,
      { kind: 'setCanaryWeight', routing: { type: 'nginx', host: 'shop.example.com', ingressClassName: 'nginx' }, stableService: 'shop-stable', canaryService: 'shop-canary', weight: 20, header: { name: 'X-Canary', value: 'always' } },
      '2.0.0',
    );
    expect(main!.metadata.name).toBe('shop');
    expect(canary!.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '20',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'always',
    });
    expect(canary!.spec).toMatchObject({ ingressClassName: 'nginx', rules: [{ host: 'shop.example.com' }] });
  });

  it('Gateway API: weights 100−w / w and a header rule', () => {
    const [route] = trafficManifests(
      target,
      { kind: 'setCanaryWeight', routing: { type: 'gatewayApi', parentRef: { name: 'edge', namespace: null } }, stableService: 'shop-stable', canaryService: 'shop-canary', weight: 35, header: { name: 'X-Canary', value: '1' } },
      '2.0.0',
    );
    const rules = route!.spec!.rules as Array<{ backendRefs: Array<{ name: string; weight: number }> }>;
    expect(route!.spec!.parentRefs).toEqual([{ name: 'edge' }]);
    expect(rules).toHaveLength(2);
    expect(rules[1]!.backendRefs.map((b) => [b.name, b.weight])).toEqual([
      ['shop-stable', 65],
      ['shop-canary', 35],
    ]);
  });
});
