// The contract between the simulator's API server (REST + watch) and its controllers.
// Both sides work on plain Kubernetes JSON objects; the store owns metadata bookkeeping.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  generateName?: string;
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

/** Identifies a resource type, e.g. {group: 'apps', version: 'v1', resource: 'deployments'}; core group is ''. */
export interface ResourceKey {
  group: string;
  version: string;
  resource: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceKey;
  object: KubeObject;
  /** The object before this change (MODIFIED, DELETED). */
  oldObject?: KubeObject;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * In-memory object store with one resourceVersion counter for the whole store.
 * All methods are synchronous; they throw `ApiError` (store/api-error.ts) carrying a metav1.Status.
 * Controllers subscribe with `subscribe` and react to changes (never by polling).
 */
export interface ObjectStore {
  create(resource: ResourceKey, obj: KubeObject): KubeObject;
  get(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: ResourceKey, opts?: ListOptions): KubeObject[];
  /** Replace an object; when obj.metadata.resourceVersion is set and stale → Conflict. Bumps generation when spec changed. */
  update(resource: ResourceKey, obj: KubeObject): KubeObject;
  /** Replace only status (the /status subresource): spec and metadata changes are ignored; generation untouched. */
  updateStatus(resource: ResourceKey, obj: KubeObject): KubeObject;
  /** Read-modify-write helper for controllers: retries are unnecessary because the store is single-threaded. */
  mutate(resource: ResourceKey, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void): KubeObject | undefined;
  mutateStatus(resource: ResourceKey, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void): KubeObject | undefined;
  /**
   * Delete. With gracePeriodSeconds > 0 on pods (or finalizers present), sets deletionTimestamp and emits MODIFIED;
   * the object is removed (DELETED) by `remove` (the kubelet does this for pods) or when finalizers empty.
   */
  delete(resource: ResourceKey, namespace: string | undefined, name: string, opts?: { gracePeriodSeconds?: number; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; preconditions?: { uid?: string; resourceVersion?: string } }): KubeObject | undefined;
  /** Remove an object from the store immediately (emits DELETED). */
  remove(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Current resourceVersion of the store (string of an integer). */
  currentResourceVersion(): string;
  subscribe(listener: (event: StoreEvent) => void): () => void;
}
