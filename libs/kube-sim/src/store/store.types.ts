// The contract between the simulator's API server (REST + watch) and its controllers.
// Both sides work on plain Kubernetes JSON objects; the store owns metadata bookkeeping.
//
// Implementation: store/memory-store.ts (MemoryStore). Semantics every writer can rely on (they mirror kube-apiserver, so
// controllers writing through the store behave as controllers writing through a real API):
// - One resourceVersion counter for the whole store: every successful write (create, update, status update, delete that
//   marks or removes) bumps it by exactly one and emits exactly one event carrying the object at that resourceVersion.
//   A write that changes nothing (deep-equal) is a no-op: no new resourceVersion, no event (as the apiserver does).
// - Admission (defaulting + validation, store/admission/*) runs on every create/update, for controllers too: pods created
//   from a template get Kubernetes' pod defaults; invalid objects throw ApiError 422.
// - create: uid, creationTimestamp, resourceVersion are set; generation = 1 for deployments/replicasets/jobs/ingresses/
//   httproutes; `generateName` + 5 random chars when name is empty; status is RESET as the apiserver does (pods get
//   `{phase: 'Pending', qosClass}`, others `{}` or none): write status afterwards with updateStatus/mutateStatus.
//   Namespaced objects need an existing namespace (404 `namespaces "x" not found`); a Terminating one → 403.
// - update (PUT): status is kept from the stored object for resources with a status subresource; generation +1 when
//   spec changed (deployments, replicasets, jobs, ingresses; any non-metadata/status change for httproutes).
//   uid/creationTimestamp/deletionTimestamp cannot be changed. When an object with deletionTimestamp ends up with no
//   finalizers, it is removed (DELETED event).
// - updateStatus: only `status` is taken from the argument.
// - Objects returned by get/list/mutate are private deep copies: mutate them freely. Objects inside events (and returned by
//   the *Shared methods) are frozen snapshots shared by all listeners: never mutate them (it throws), copy first.
// - Listeners are called in resourceVersion order, never re-entrantly: a write made inside a listener is delivered to all
//   listeners after the current event has been delivered to every listener.
// - delete:
//   * Pods: grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30. An unscheduled pod (no
//     spec.nodeName), a pod in a terminal phase, or grace 0 is removed at once (DELETED). Otherwise deletionTimestamp =
//     now + grace and deletionGracePeriodSeconds = grace are set (MODIFIED); the kubelet later calls `remove` (or delete with
//     gracePeriodSeconds: 0) once containers stopped.
//   * propagationPolicy Background (default; Orphan for batch/v1 Jobs as Kubernetes' default): the owner goes at once;
//     the GARBAGE COLLECTOR (controllers/) deletes dependents whose ownerReferences point to a uid that no longer exists.
//   * Foreground: the owner gets deletionTimestamp and finalizer `foregroundDeletion` (MODIFIED) and stays. The GC deletes
//     its dependents, waits until those with blockOwnerDeletion=true are gone, then removes the `foregroundDeletion`
//     finalizer (via update/mutate); the store then removes the owner (DELETED). The GC must do this even when the owner
//     has no dependents at all.
//   * Orphan: the store strips the owner's ownerReference from every dependent (MODIFIED each), then removes the owner.
//   * Other objects with finalizers: deletionTimestamp is set (MODIFIED); removed when the last finalizer is dropped.
//   * preconditions {uid, resourceVersion} mismatch → 409 Conflict.
//   * Returns undefined when the object does not exist (the API server turns that into 404).
// - Namespaces: deleting one marks it Terminating, deletes everything in it, and removes it once empty.
// - Beyond this interface, MemoryStore offers: getShared/listShared (frozen objects, no copies), listPage (REST paging),
//   historySince/oldestWatchableRv (watch resume, 410), subscribeEntries (events with their resourceVersion),
//   setClock/clockNow (startKubeSim points the store at the controllers' simulated clock, so creation/deletion
//   timestamps follow the time scale), currentResourceVersion. The watch window is `historySize` events (default 10,000).

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
  /** Frozen snapshot at this event's resourceVersion (for DELETED: the last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before this change (MODIFIED, DELETED). Frozen. */
  oldObject?: KubeObject;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WriteOptions {
  /** dryRun=All: run admission and return the result without persisting (no resourceVersion, no event). */
  dryRun?: boolean;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/**
 * In-memory object store with one resourceVersion counter for the whole store.
 * All methods are synchronous; they throw `ApiError` (store/api-error.ts) carrying a metav1.Status.
 * Controllers subscribe with `subscribe` and react to changes (never by polling).
 */
export interface ObjectStore {
  create(resource: ResourceKey, obj: KubeObject, opts?: WriteOptions): KubeObject;
  get(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: ResourceKey, opts?: ListOptions): KubeObject[];
  /** Replace an object; when obj.metadata.resourceVersion is set and stale → Conflict. Bumps generation when spec changed. */
  update(resource: ResourceKey, obj: KubeObject, opts?: WriteOptions): KubeObject;
  /** Replace only status (the /status subresource): spec and metadata changes are ignored; generation untouched. */
  updateStatus(resource: ResourceKey, obj: KubeObject, opts?: WriteOptions): KubeObject;
  /** Read-modify-write helper for controllers: retries are unnecessary because the store is single-threaded. */
  mutate(resource: ResourceKey, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void): KubeObject | undefined;
  mutateStatus(resource: ResourceKey, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void): KubeObject | undefined;
  /**
   * Optional (added by the controllers; they fall back to mutate + mutateStatus, i.e. two events, when absent):
   * read-modify-write of metadata, spec AND status as ONE write and one MODIFIED event, with the usual generation
   * bump when spec changed. Real apiservers do this in two places the traces show as one event: the pods/binding
   * subresource (spec.nodeName + PodScheduled condition) and the Deployment status strategy, which persists
   * metadata.annotations (the revision annotation) together with status.
   */
  mutateWithStatus?(resource: ResourceKey, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void): KubeObject | undefined;
  /**
   * Delete. With gracePeriodSeconds > 0 on pods (or finalizers present), sets deletionTimestamp and emits MODIFIED;
   * the object is removed (DELETED) by `remove` (the kubelet does this for pods) or when finalizers empty.
   * See the header comment for propagationPolicy. Returns the object as deleted/marked, or undefined when absent.
   */
  delete(resource: ResourceKey, namespace: string | undefined, name: string, opts?: DeleteOptions): KubeObject | undefined;
  /** Remove an object from the store immediately, ignoring finalizers (emits DELETED). */
  remove(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Current resourceVersion of the store (string of an integer). */
  currentResourceVersion(): string;
  subscribe(listener: (event: StoreEvent) => void): () => void;
}
