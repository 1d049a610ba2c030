// core/v1 Pods, Services, Namespaces, Secrets and friends.
import type { FieldError } from '../api-error';
import { goString } from '../api-error';
import { deepEqual } from '../json-utils';
import { RESOURCE_KEYS } from '../resources';
import type { KubeObject } from '../store.types';
import type { AdmissionContext, ResourceStrategy } from './admission.types';
import { makeGenericStrategy, validateObjectMeta } from './generic.strategy';
import { defaultPodOnly, defaultPodSpec, qosClass, validatePodSpec } from './pod-spec';

type Obj = Record<string, any>;

// ---- Pod ---------------------------------------------------------------------------------------------------------

/** Fields of a pod spec that may change after creation (plus nodeName, set once by the scheduler's binding). */
function podSpecMutableView(spec: Obj | undefined): Obj {
  const s: Obj = { ...(spec ?? {}) };
  s.containers = (s.containers ?? []).map((c: Obj) => ({ ...c, image: undefined }));
  s.initContainers = (s.initContainers ?? []).map((c: Obj) => ({ ...c, image: undefined }));
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.nodeName;
  return s;
}

export const podStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => {
    obj.spec ??= {};
    defaultPodSpec(obj.spec);
    defaultPodOnly(obj.spec);
    obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
  },
  validate: (obj) => [...validateObjectMeta(obj, 'subdomain'), ...validatePodSpec(obj.spec, 'spec')],
  prepareForUpdate: (obj) => {
    obj.spec ??= {};
    defaultPodSpec(obj.spec);
  },
  validateUpdate: (obj, old) => {
    const errs: FieldError[] = [];
    if (!deepEqual(podSpecMutableView(obj.spec), podSpecMutableView(old.spec))) {
      errs.push({ type: 'FieldValueForbidden', field: 'spec', detail: 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' });
    }
    if (old.spec?.nodeName && obj.spec?.nodeName !== old.spec.nodeName) {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.nodeName', value: goString(String(obj.spec?.nodeName ?? '')), detail: 'field is immutable' });
    }
    return errs;
  },
};

// ---- Service -----------------------------------------------------------------------------------------------------

/** 10.96.0.0/12 minus the network, 10.96.0.1 (the `kubernetes` Service) and broadcast. */
function allocateClusterIP(ctx: AdmissionContext): string {
  const used = new Set(ctx.listShared(RESOURCE_KEYS.services).map((s) => s.spec?.clusterIP));
  const size = 1 << 20;
  const base = (10 << 24) | (96 << 16);
  for (let tries = 0; tries < 10_000; tries++) {
    const off = 2 + Math.floor(Math.random() * (size - 3));
    const n = base + off;
    const ip = `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    if (!used.has(ip)) return ip;
  }
  throw new Error('kube-sim: Service IP range exhausted');
}

function allocateNodePort(ctx: AdmissionContext, taken: Set<number>): number {
  for (const s of ctx.listShared(RESOURCE_KEYS.services)) for (const p of s.spec?.ports ?? []) if (p.nodePort) taken.add(p.nodePort);
  for (let tries = 0; tries < 10_000; tries++) {
    const port = 30000 + Math.floor(Math.random() * 2768);
    if (!taken.has(port)) { taken.add(port); return port; }
  }
  throw new Error('kube-sim: NodePort range exhausted');
}

function defaultService(obj: KubeObject, ctx: AdmissionContext, old?: KubeObject): void {
  const spec: Obj = (obj.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type === 'ExternalName') return;
  if (old?.spec?.clusterIP && !spec.clusterIP) {
    spec.clusterIP = old.spec.clusterIP;
    spec.clusterIPs = old.spec.clusterIPs;
  }
  if (!spec.clusterIP) spec.clusterIP = allocateClusterIP(ctx);
  spec.clusterIPs ??= [spec.clusterIP];
  if (spec.clusterIP !== 'None' || spec.ipFamilies) {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.externalTrafficPolicy ??= 'Cluster';
    const taken = new Set<number>();
    (spec.ports ?? []).forEach((p: Obj, i: number) => {
      p.nodePort ??= old?.spec?.ports?.[i]?.nodePort ?? allocateNodePort(ctx, taken);
    });
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

function validateService(obj: KubeObject): FieldError[] {
  const spec: Obj = obj.spec ?? {};
  const errs: FieldError[] = [];
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (!types.includes(spec.type)) {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.type', value: goString(String(spec.type)), detail: 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' });
  }
  const ports: Obj[] = spec.ports ?? [];
  if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && ports.length === 0) errs.push({ type: 'FieldValueRequired', field: 'spec.ports' });
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name) errs.push({ type: 'FieldValueRequired', field: `spec.ports[${i}].name` });
    if (p.name) {
      if (names.has(p.name)) errs.push({ type: 'FieldValueDuplicate', field: `spec.ports[${i}].name`, value: goString(p.name) });
      names.add(p.name);
    }
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      errs.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].port`, value: String(p.port), detail: 'must be between 1 and 65535, inclusive' });
    }
  });
  return errs;
}

export const serviceStrategy: ResourceStrategy = {
  prepareForCreate: (obj, ctx) => {
    defaultService(obj, ctx);
    obj.status = { loadBalancer: {} };
  },
  validate: (obj) => [...validateObjectMeta(obj, 'dns1035'), ...validateService(obj)],
  prepareForUpdate: (obj, old, ctx) => defaultService(obj, ctx, old),
  validateUpdate: (obj, old) => {
    const errs = validateService(obj);
    if (old.spec?.clusterIP && obj.spec?.clusterIP !== old.spec.clusterIP && old.spec.type !== 'ExternalName') {
      errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', value: `[]string{${goString(String(obj.spec?.clusterIP))}}`, detail: 'may not change once set' });
    }
    return errs;
  },
};

// ---- Namespace, Secret, the rest ---------------------------------------------------------------------------------

function defaultNamespace(obj: KubeObject): void {
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  obj.spec = { finalizers: ['kubernetes'] };
}

export const namespaceStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => {
    defaultNamespace(obj);
    obj.status = { phase: 'Active' };
  },
  validate: (obj) => validateObjectMeta(obj, 'label'),
  prepareForUpdate: (obj, old) => {
    defaultNamespace(obj);
    obj.spec = old.spec;
  },
};

function defaultSecret(obj: KubeObject): void {
  obj.type ??= 'Opaque';
  const stringData = obj.stringData as Record<string, string> | undefined;
  if (stringData) {
    const data = { ...((obj.data as Record<string, string>) ?? {}) };
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
    obj.data = data;
    delete obj.stringData;
  }
}

export const secretStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => defaultSecret(obj),
  validate: (obj) => validateObjectMeta(obj, 'subdomain'),
  prepareForUpdate: (obj) => defaultSecret(obj),
};

function defaultHTTPRoute(obj: KubeObject): void {
  const spec: Obj = (obj.spec ??= {});
  spec.rules ??= [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }];
  for (const r of spec.rules) {
    r.matches ??= [{ path: { type: 'PathPrefix', value: '/' } }];
    for (const m of r.matches) if (m.path) m.path.type ??= 'PathPrefix';
    for (const b of r.backendRefs ?? []) {
      b.group ??= '';
      b.kind ??= 'Service';
      b.weight ??= 1;
    }
  }
  for (const p of spec.parentRefs ?? []) {
    p.group ??= 'gateway.networking.k8s.io';
    p.kind ??= 'Gateway';
  }
}

export const httpRouteStrategy: ResourceStrategy = {
  ...makeGenericStrategy('subdomain'),
  prepareForCreate: (obj) => {
    defaultHTTPRoute(obj);
    delete obj.status;
  },
  prepareForUpdate: (obj) => defaultHTTPRoute(obj),
};

export const ingressStrategy: ResourceStrategy = {
  ...makeGenericStrategy('subdomain'),
  prepareForCreate: (obj) => {
    for (const rule of obj.spec?.rules ?? []) for (const p of rule.http?.paths ?? []) p.pathType ??= 'ImplementationSpecific';
    obj.status = { loadBalancer: {} };
  },
};
