// Desired Kubernetes objects for the effects `decide` emits. Every object carries Cutover's labels
// (ARCHITECTURE.md, "Kubernetes objects Cutover owns") and a hash of what Cutover asked for, so the gateway can
// skip a write when the object already says the same thing.
import { createHash } from 'node:crypto';
import {
  ANNOTATION_ATTEMPT,
  ANNOTATION_RELEASE,
  canonicalJson,
  LABELS,
  releaseLabelValue,
  type EnsureHookJobEffect,
  type EnsureServiceEffect,
  type EnsureWorkloadEffect,
  type PodSpec,
  type SetCanaryWeightEffect,
  type WorkloadUpdateStrategy,
} from '@cutover/domain';
import { SPEC_HASH_ANNOTATION, type AppTarget, type KubeObject, type ReleaseRef } from './manifest.types';

export const NGINX = 'nginx.ingress.kubernetes.io';

export function ownedLabels(target: AppTarget, release: string, role: string): Record<string, string> {
  return {
    [LABELS.name]: target.app,
    [LABELS.managedBy]: 'cutover',
    [LABELS.environment]: target.environment,
    [LABELS.release]: releaseLabelValue(release),
    [LABELS.role]: role,
  };
}

/** The label selector of everything Cutover owns for one app in one environment. */
export function ownedSelector(target: Pick<AppTarget, 'app' | 'environment'>): string {
  return `${LABELS.managedBy}=cutover,${LABELS.name}=${target.app},${LABELS.environment}=${target.environment}`;
}

export function specHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

function podSpecJson(spec: PodSpec, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { containers: spec.containers, terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds, ...extra };
  if (spec.initContainers.length > 0) out.initContainers = spec.initContainers;
  if (spec.volumes.length > 0) out.volumes = spec.volumes;
  if (spec.serviceAccountName !== undefined) out.serviceAccountName = spec.serviceAccountName;
  if (spec.nodeSelector !== undefined) out.nodeSelector = spec.nodeSelector;
  return out;
}

export function updateStrategyFields(s: WorkloadUpdateStrategy): Record<string, unknown> {
  if (s.type === 'Recreate') return { strategy: { type: 'Recreate' }, progressDeadlineSeconds: s.progressDeadlineSeconds };
  return {
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable } },
    minReadySeconds: s.minReadySeconds,
    progressDeadlineSeconds: s.progressDeadlineSeconds,
  };
}

/**
 * apps/v1 Deployment for an ensureWorkload effect. `current` supplies the update strategy when the effect keeps it
 * (updateStrategy null). The selector never includes the release, so a Deployment can move between releases.
 */
export function deploymentManifest(target: AppTarget, e: EnsureWorkloadEffect, release: ReleaseRef, current?: KubeObject): KubeObject {
  const labels = ownedLabels(target, e.release, e.role);
  const selector = { [LABELS.name]: target.app, [LABELS.environment]: target.environment, [LABELS.role]: e.role };
  const kept: Record<string, unknown> = {};
  if (e.updateStrategy === null && current?.spec) {
    for (const key of ['strategy', 'minReadySeconds', 'progressDeadlineSeconds']) if (current.spec[key] !== undefined) kept[key] = current.spec[key];
  }
  const spec: Record<string, unknown> = {
    replicas: e.replicas,
    paused: e.paused,
    revisionHistoryLimit: 3,
    selector: { matchLabels: selector },
    template: {
      metadata: { labels: { ...release.spec.podLabels, ...labels }, annotations: { ...release.spec.podAnnotations, [ANNOTATION_RELEASE]: e.release } },
      spec: podSpecJson(release.spec.podSpec),
    },
    ...(e.updateStrategy ? updateStrategyFields(e.updateStrategy) : kept),
  };
  const hash = specHash({ labels, spec: { ...spec, ...(e.updateStrategy ? {} : { keep: true }) }, releaseSpec: release.spec });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: e.name, namespace: target.namespace, labels, annotations: { [SPEC_HASH_ANNOTATION]: hash, [ANNOTATION_RELEASE]: e.release } },
    spec,
  };
}

export function servicePorts(target: AppTarget): Array<Record<string, unknown>> {
  const port = target.servicePort ?? 80;
  const targetPort = target.serviceTargetPortName ?? target.serviceTargetPort ?? port;
  return [{ name: 'http', port, targetPort, protocol: 'TCP' }];
}

export function serviceManifest(target: AppTarget, e: EnsureServiceEffect, release: string): KubeObject {
  const labels = ownedLabels(target, release, 'service');
  const spec = { type: 'ClusterIP', selector: e.selector, ports: servicePorts(target) };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: e.name, namespace: target.namespace, labels, annotations: { [SPEC_HASH_ANNOTATION]: specHash({ spec }) } },
    spec,
  };
}

/** The hook Job `<app>-<version>-<hook>`; its pods are labelled role=hook so pod failure detection skips them. */
export function hookJobManifest(target: AppTarget, e: EnsureHookJobEffect, release: ReleaseRef): KubeObject {
  const hook = release.spec.hooks.preDeploy.find((h) => h.name === e.hook);
  if (!hook) throw new Error(`release ${release.version} has no preDeploy hook named ${e.hook}`);
  const labels = ownedLabels(target, e.release, 'hook');
  const { restartPolicy, ...podSpec } = hook.podSpec;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: e.name, namespace: target.namespace, labels, annotations: { [ANNOTATION_ATTEMPT]: String(e.attempt), 'cutover.dev/hook': e.hook, [ANNOTATION_RELEASE]: e.release } },
    spec: {
      backoffLimit: hook.backoffLimit,
      ...(hook.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: hook.activeDeadlineSeconds } : {}),
      template: {
        metadata: { labels: { ...labels, 'cutover.dev/hook': e.hook } },
        spec: podSpecJson({ ...podSpec }, { restartPolicy }),
      },
    },
  };
}

export function namespaceManifest(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [LABELS.managedBy]: 'cutover' } } };
}

/** The main and canary Ingress (NGINX) or the HTTPRoute (Gateway API) for a setCanaryWeight effect. */
export function trafficManifests(target: AppTarget, e: SetCanaryWeightEffect, release: string): KubeObject[] {
  const port = target.servicePort ?? 80;
  const labels = ownedLabels(target, release, 'route');
  const hashed = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [SPEC_HASH_ANNOTATION]: specHash({ spec: o.spec, a: o.metadata.annotations }) } } });
  if (e.routing.type === 'nginx') {
    const rule = (service: string) => ({
      host: e.routing.type === 'nginx' ? e.routing.host : '',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: port } } } }] },
    });
    const className = e.routing.ingressClassName ? { ingressClassName: e.routing.ingressClassName } : {};
    const canaryAnnotations: Record<string, string> = { [`${NGINX}/canary`]: 'true', [`${NGINX}/canary-weight`]: String(e.weight) };
    if (e.header) {
      canaryAnnotations[`${NGINX}/canary-by-header`] = e.header.name;
      canaryAnnotations[`${NGINX}/canary-by-header-value`] = e.header.value;
    }
    return [
      hashed({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: target.app, namespace: target.namespace, labels }, spec: { ...className, rules: [rule(e.stableService)] } }),
      hashed({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: `${target.app}-canary`, namespace: target.namespace, labels, annotations: canaryAnnotations },
        spec: { ...className, rules: [rule(e.canaryService)] },
      }),
    ];
  }
  const parentRef = { name: e.routing.parentRef.name, ...(e.routing.parentRef.namespace ? { namespace: e.routing.parentRef.namespace } : {}) };
  const rules: Array<Record<string, unknown>> = [];
  if (e.header) {
    rules.push({ matches: [{ headers: [{ type: 'Exact', name: e.header.name, value: e.header.value }] }], backendRefs: [{ name: e.canaryService, port, weight: 1 }] });
  }
  rules.push({
    backendRefs: [
      { name: e.stableService, port, weight: 100 - e.weight },
      { name: e.canaryService, port, weight: e.weight },
    ],
  });
  return [
    hashed({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: target.app, namespace: target.namespace, labels },
      spec: { parentRefs: [parentRef], rules },
    }),
  ];
}
