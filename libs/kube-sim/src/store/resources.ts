// The resource types the simulator serves: one table drives discovery, routing, error wording and store behaviour.
import type { ResourceKey } from './store.types';

export interface ResourceDef extends ResourceKey {
  kind: string;
  singularName: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  categories?: string[];
  /** Subresources served besides the main resource, e.g. ['status', 'scale']. */
  subresources: string[];
  /** metadata.generation is kept and bumped on spec changes (workloads, ingresses, CRDs). */
  tracksGeneration: boolean;
  /** CRD-style: generation bumps on any change outside metadata and status (Gateway API). */
  crdGeneration?: boolean;
  /** Extra field selector labels besides metadata.name / metadata.namespace. */
  fieldLabels?: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(d: Omit<ResourceDef, 'verbs' | 'subresources' | 'tracksGeneration'> & Partial<ResourceDef>): ResourceDef {
  return { verbs: ALL_VERBS, subresources: [], tracksGeneration: false, ...d };
}

export const RESOURCES: readonly ResourceDef[] = [
  def({ group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singularName: 'namespace', namespaced: false,
    shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'],
    fieldLabels: ['status.phase'] }),
  def({ group: '', version: 'v1', resource: 'pods', kind: 'Pod', singularName: 'pod', namespaced: true, shortNames: ['po'],
    categories: ['all'], subresources: ['status', 'log'],
    fieldLabels: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
      'status.phase', 'status.podIP', 'status.nominatedNodeName'] }),
  def({ group: '', version: 'v1', resource: 'services', kind: 'Service', singularName: 'service', namespaced: true, shortNames: ['svc'],
    categories: ['all'], subresources: ['status'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  def({ group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', singularName: 'endpoints', namespaced: true, shortNames: ['ep'] }),
  def({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', singularName: 'configmap', namespaced: true, shortNames: ['cm'] }),
  def({ group: '', version: 'v1', resource: 'secrets', kind: 'Secret', singularName: 'secret', namespaced: true, fieldLabels: ['type'] }),
  def({ group: '', version: 'v1', resource: 'events', kind: 'Event', singularName: 'event', namespaced: true, shortNames: ['ev'],
    fieldLabels: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
      'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent',
      'source', 'type'] }),
  def({ group: '', version: 'v1', resource: 'nodes', kind: 'Node', singularName: 'node', namespaced: false, shortNames: ['no'],
    subresources: ['status'], fieldLabels: ['spec.unschedulable'] }),
  def({ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singularName: 'deployment', namespaced: true,
    shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'], tracksGeneration: true }),
  def({ group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', singularName: 'replicaset', namespaced: true,
    shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], tracksGeneration: true, fieldLabels: ['status.replicas'] }),
  def({ group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', singularName: 'job', namespaced: true, categories: ['all'],
    subresources: ['status'], tracksGeneration: true, fieldLabels: ['status.successful'] }),
  def({ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', singularName: 'ingress', namespaced: true,
    shortNames: ['ing'], subresources: ['status'], tracksGeneration: true }),
  def({ group: 'gateway.networking.k8s.io', version: 'v1', resource: 'httproutes', kind: 'HTTPRoute', singularName: 'httproute',
    namespaced: true, categories: ['gateway-api'], subresources: ['status'], tracksGeneration: true, crdGeneration: true }),
  def({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', singularName: 'endpointslice',
    namespaced: true }),
  def({ group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', singularName: 'event', namespaced: true,
    shortNames: ['ev'] }),
];

const byKey = new Map<string, ResourceDef>(RESOURCES.map((r) => [resourceId(r), r]));

/** "apps/deployments" or "pods" (core): the store's internal name of a resource type. */
export function resourceId(key: Pick<ResourceKey, 'group' | 'resource'>): string {
  return key.group ? `${key.group}/${key.resource}` : key.resource;
}

export function findResource(key: Pick<ResourceKey, 'group' | 'resource'>): ResourceDef | undefined {
  return byKey.get(resourceId(key));
}

/** Like findResource, for callers that only ever pass served resources; an unknown one is a programming error. */
export function resourceDef(key: Pick<ResourceKey, 'group' | 'resource'>): ResourceDef {
  const found = byKey.get(resourceId(key));
  if (!found) throw new Error(`kube-sim: unknown resource ${resourceId(key)}`);
  return found;
}

/** "deployments.apps" / "pods": the group-resource string Kubernetes puts in messages. */
export function groupResource(key: Pick<ResourceKey, 'group' | 'resource'>): string {
  return key.group ? `${key.resource}.${key.group}` : key.resource;
}

/** "Deployment.apps" / "Pod": the group-kind string Kubernetes puts in Invalid and precondition messages. */
export function groupKind(d: Pick<ResourceDef, 'group' | 'kind'>): string {
  return d.group ? `${d.kind}.${d.group}` : d.kind;
}

export function apiVersionOf(key: Pick<ResourceKey, 'group' | 'version'>): string {
  return key.group ? `${key.group}/${key.version}` : key.version;
}

/**
 * Keys of every served resource, for callers (controllers, tests). Note: core/v1 events and events.k8s.io/v1 events are one
 * storage in Kubernetes; the simulator keeps them apart (write core/v1 events, which kubectl describe reads).
 */
export const RESOURCE_KEYS = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  pods: { group: '', version: 'v1', resource: 'pods' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  configmaps: { group: '', version: 'v1', resource: 'configmaps' },
  secrets: { group: '', version: 'v1', resource: 'secrets' },
  events: { group: '', version: 'v1', resource: 'events' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs' },
  ingresses: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses' },
  httproutes: { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'httproutes' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
} as const satisfies Record<string, ResourceKey>;
