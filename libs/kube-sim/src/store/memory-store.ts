// The simulator's etcd + registry: objects, one resourceVersion counter, admission, watch history and fan-out.
// Semantics are documented in store.types.ts (the contract controllers rely on).
import { randomUUID } from 'node:crypto';
import type { AdmissionContext, StrategyLookup } from './admission/admission.types';
import { strategyFor } from './admission/strategies';
import {
  alreadyExists, conflict, internalError, invalid, namespaceTerminating, notFound, preconditionConflict,
} from './api-error';
import type { FieldError } from './api-error';
import { deepClone, deepFreeze, shareUnchanged } from './json-utils';
import type { ListPage, ListPageOptions } from './list-paging';
import { listPage } from './list-paging';
import {
  fieldLabelsOf, kubeTime, namesOf, parseId, randomSuffix, shallowWithMeta, sortedNames, specChanged,
} from './object-helpers';
import type { ResourceDef } from './resources';
import { RESOURCE_KEYS, resourceDef, resourceId } from './resources';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import type {
  DeleteOptions, KubeObject, ListOptions, ObjectStore, PropagationPolicy, ResourceKey, StoreEvent, WatchEventType, WriteOptions,
} from './store.types';
import type { HistoryEntry } from './watch-history';
import { WatchHistory } from './watch-history';

export type { ListPage, ListPageOptions } from './list-paging';
export { kubeTime, randomSuffix } from './object-helpers';

export interface MemoryStoreOptions {
  /** Events kept for watch resume; older resourceVersions get 410 Expired. Default 10,000. */
  historySize?: number;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
  /** Create `default`, `kube-system`, `kube-public`, `kube-node-lease` and the `kubernetes` Service. Default true. */
  bootstrap?: boolean;
  strategies?: StrategyLookup;
}

/** namespace ('' for cluster-scoped) → name → frozen object */
type Bucket = Map<string, Map<string, KubeObject>>;

export class MemoryStore implements ObjectStore {
  private rv = 1;
  private readonly buckets = new Map<string, Bucket>();
  private readonly history: WatchHistory;
  private readonly listeners = new Set<(e: HistoryEntry) => void>();
  private readonly queue: HistoryEntry[] = [];
  private dispatching = false;
  private now: () => number;
  private readonly strategies: StrategyLookup;
  private readonly admissionCtx: AdmissionContext;

  constructor(opts: MemoryStoreOptions = {}) {
    this.history = new WatchHistory(opts.historySize ?? 10_000);
    this.now = opts.now ?? Date.now;
    this.strategies = opts.strategies ?? strategyFor;
    this.admissionCtx = {
      now: 0,
      listShared: (r) => this.listShared(r),
    };
    if (opts.bootstrap ?? true) this.bootstrap();
  }

  /** Use another clock from now on (the controllers' simulated clock, so timestamps agree under a time scale). */
  setClock(now: () => number): void {
    this.now = now;
  }

  /** The store's clock (ms): the time it stamps objects with. */
  clockNow(): number {
    return this.now();
  }

  // ---- reads ------------------------------------------------------------------------------------------------------

  get(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.getShared(resource, namespace, name);
    return o ? deepClone(o) : undefined;
  }

  /** The stored frozen object (no copy). */
  getShared(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    const def = resourceDef(resource);
    return this.buckets.get(resourceId(def))?.get(def.namespaced ? namespace ?? '' : '')?.get(name);
  }

  list(resource: ResourceKey, opts: ListOptions = {}): KubeObject[] {
    return this.listShared(resource, opts).map((o) => deepClone(o));
  }

  /** Matching frozen objects sorted by namespace/name, as etcd lists them (no copies). */
  listShared(resource: ResourceKey, opts: ListOptions = {}): KubeObject[] {
    const def = resourceDef(resource);
    const labelReqs = parseLabelSelector(opts.labelSelector);
    const fieldReqs = parseFieldSelector(opts.fieldSelector, fieldLabelsOf(def));
    const bucket = this.buckets.get(resourceId(def));
    if (!bucket) return [];
    const namespaces = opts.namespace !== undefined && def.namespaced ? [opts.namespace] : [...bucket.keys()].sort();
    const out: KubeObject[] = [];
    for (const ns of namespaces) {
      const byName = bucket.get(ns);
      if (!byName) continue;
      for (const n of namesOf(byName)) {
        const o = byName.get(n)!;
        if (labelReqs.length && !matchesLabels(labelReqs, o.metadata.labels)) continue;
        if (fieldReqs.length && !matchesFields(fieldReqs, o)) continue;
        out.push(o);
      }
    }
    return out;
  }

  /** A list as the REST API serves it: paging with continue tokens and resourceVersion semantics (list-paging.ts). */
  listPage(resource: ResourceKey, opts: ListPageOptions = {}): ListPage {
    return listPage(this, resourceDef(resource), opts);
  }

  /** Kept history, newest first (for rebuilding an older list state). */
  historyNewestFirst(): Iterable<HistoryEntry> {
    return this.history.newestFirst();
  }

  /** resourceVersion of the oldest kept event, if any. */
  oldestHistoryRv(): number | undefined {
    return this.history.oldestRv();
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  /** Events after `fromRv` still kept, or 'expired'. */
  historySince(fromRv: number): HistoryEntry[] | 'expired' {
    return this.history.since(fromRv, this.rv);
  }

  /** For the "too old resource version: N (M)" message: the oldest resourceVersion a watch can still start from. */
  oldestWatchableRv(): number {
    return (this.history.oldestRv() ?? this.rv + 1) - 1;
  }

  // ---- writes -----------------------------------------------------------------------------------------------------

  create(resource: ResourceKey, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const def = resourceDef(resource);
    const obj = deepClone(input);
    obj.apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
    obj.kind = def.kind;
    obj.metadata = obj.metadata ?? ({} as KubeObject['metadata']);
    const m = obj.metadata;
    if (m.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
    if (!def.namespaced) delete m.namespace;
    else if (!m.namespace) m.namespace = 'default';
    if (!m.name) {
      if (m.generateName) m.name = `${m.generateName}${randomSuffix()}`;
      else throw invalid(def, '', [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }]);
    }
    if (def.namespaced && def.resource !== 'namespaces') this.checkNamespaceWritable(def, m.namespace!, m.name);
    const now = this.now();
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.managedFields;
    m.uid = randomUUID();
    m.creationTimestamp = kubeTime(now);
    if (def.tracksGeneration) m.generation = 1;
    else delete m.generation;
    const strategy = this.strategies(def);
    this.admissionCtx.now = now;
    strategy.prepareForCreate?.(obj, this.admissionCtx);
    this.assertValid(def, obj, strategy.validate?.(obj, this.admissionCtx));
    if (this.getShared(def, m.namespace, m.name)) throw alreadyExists(def, m.name);
    if (opts.dryRun) return obj;
    return deepClone(this.commit(def, 'ADDED', obj, undefined));
  }

  update(resource: ResourceKey, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const def = resourceDef(resource);
    const name = input.metadata?.name;
    const old = this.getShared(def, input.metadata?.namespace, name);
    if (!old) throw notFound(def, name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(def, name);
    if (input.metadata.uid && input.metadata.uid !== old.metadata.uid) {
      throw conflict(def, name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    const obj = deepClone(input);
    obj.apiVersion = old.apiVersion;
    obj.kind = old.kind;
    const m = obj.metadata;
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'namespace', 'generateName'] as const) {
      if (old.metadata[k] === undefined) delete m[k];
      else (m as Record<string, unknown>)[k] = old.metadata[k];
    }
    delete m.managedFields;
    if (def.subresources.includes('status')) {
      if (old.status === undefined) delete obj.status;
      else obj.status = deepClone(old.status);
    }
    const strategy = this.strategies(def);
    this.admissionCtx.now = this.now();
    strategy.prepareForUpdate?.(obj, old, this.admissionCtx);
    this.assertValid(def, obj, strategy.validateUpdate?.(obj, old, this.admissionCtx));
    if (def.tracksGeneration) m.generation = (old.metadata.generation ?? 1) + (specChanged(def, obj, old) ? 1 : 0);
    else delete m.generation;
    return deepClone(this.finishUpdate(def, obj, old, opts));
  }

  updateStatus(resource: ResourceKey, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const def = resourceDef(resource);
    const name = input.metadata?.name;
    const old = this.getShared(def, input.metadata?.namespace, name);
    if (!old) throw notFound(def, name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(def, name);
    const obj = shallowWithMeta(old);
    if (input.status === undefined) delete obj.status;
    else obj.status = deepClone(input.status);
    const strategy = this.strategies(def);
    this.admissionCtx.now = this.now();
    this.assertValid(def, obj, strategy.validateStatus?.(obj, old, this.admissionCtx));
    return deepClone(this.finishUpdate(def, obj, old, opts));
  }

  mutate(resource: ResourceKey, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void): KubeObject | undefined {
    return this.readModifyWrite(resource, namespace, name, fn, (obj) => this.update(resource, obj));
  }

  mutateStatus(resource: ResourceKey, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void): KubeObject | undefined {
    return this.readModifyWrite(resource, namespace, name, fn, (obj) => this.updateStatus(resource, obj));
  }

  /** The store is single-threaded, so a read-modify-write never conflicts: drop the resourceVersion precondition. */
  private readModifyWrite(
    resource: ResourceKey,
    namespace: string | undefined,
    name: string,
    fn: (obj: KubeObject) => void,
    write: (obj: KubeObject) => KubeObject,
  ): KubeObject | undefined {
    const cur = this.get(resource, namespace, name);
    if (!cur) return undefined;
    fn(cur);
    cur.metadata.resourceVersion = undefined;
    cur.metadata.name = name;
    cur.metadata.namespace = namespace;
    return write(cur);
  }

  delete(resource: ResourceKey, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject | undefined {
    const def = resourceDef(resource);
    const old = this.getShared(def, namespace, name);
    if (!old) return undefined;
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw preconditionConflict(def, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${old.metadata.uid}). The object might have been deleted and then recreated`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw preconditionConflict(def, name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`);
    }
    const now = this.now();
    if (def.resource === 'namespaces' && def.group === '') return this.deleteNamespace(old, opts);
    const policy: PropagationPolicy = opts.propagationPolicy ?? (def.group === 'batch' && def.resource === 'jobs' ? 'Orphan' : 'Background');

    if (def.group === '' && def.resource === 'pods') {
      const phase = old.status?.phase;
      const grace = opts.gracePeriodSeconds ?? old.spec?.terminationGracePeriodSeconds ?? 30;
      const immediate = grace <= 0 || !old.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed';
      if (!immediate) {
        const graceMs = grace * 1000;
        const currentDeadline = old.metadata.deletionTimestamp ? Date.parse(old.metadata.deletionTimestamp) : Infinity;
        // A second delete may only shorten the grace period, never extend it.
        if (now + graceMs >= currentDeadline) return deepClone(old);
        const obj = shallowWithMeta(old);
        obj.metadata.deletionTimestamp = kubeTime(now + graceMs);
        obj.metadata.deletionGracePeriodSeconds = grace;
        if (opts.dryRun) return obj;
        return deepClone(this.commit(def, 'MODIFIED', obj, old));
      }
    }
    if (policy === 'Foreground' && !old.metadata.deletionTimestamp) {
      const obj = shallowWithMeta(old);
      obj.metadata.deletionTimestamp = kubeTime(now);
      obj.metadata.deletionGracePeriodSeconds = 0;
      obj.metadata.finalizers = [...(obj.metadata.finalizers ?? []).filter((f) => f !== 'foregroundDeletion'), 'foregroundDeletion'];
      if (opts.dryRun) return obj;
      return deepClone(this.commit(def, 'MODIFIED', obj, old));
    }
    if (opts.dryRun) return deepClone(old);
    if (policy === 'Orphan') this.orphanDependents(old.metadata.uid!);
    if (old.metadata.finalizers?.length) {
      if (old.metadata.deletionTimestamp) return deepClone(old);
      const obj = shallowWithMeta(old);
      obj.metadata.deletionTimestamp = kubeTime(now);
      obj.metadata.deletionGracePeriodSeconds = 0;
      return deepClone(this.commit(def, 'MODIFIED', obj, old));
    }
    return this.remove(def, namespace, name);
  }

  remove(resource: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    const def = resourceDef(resource);
    const old = this.getShared(def, namespace, name);
    if (!old) return undefined;
    const removed = this.commit(def, 'DELETED', shallowWithMeta(old), old);
    const ns = def.namespaced ? old.metadata.namespace : undefined;
    if (ns) this.maybeFinishNamespace(ns);
    return deepClone(removed);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    const l = (e: HistoryEntry) => listener(e);
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Like subscribe, with the history entry (rv, cached JSON line) the watch server uses. */
  subscribeEntries(listener: (e: HistoryEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- internals --------------------------------------------------------------------------------------------------

  private assertValid(def: ResourceDef, obj: KubeObject, errors: FieldError[] | undefined): void {
    if (errors && errors.length) throw invalid(def, obj.metadata.name, errors);
  }

  private finishUpdate(def: ResourceDef, input: KubeObject, old: KubeObject, opts: WriteOptions): KubeObject {
    input.metadata.resourceVersion = old.metadata.resourceVersion;
    // The new version shares every unchanged subtree with the previous one, so history stays cheap.
    const obj = shareUnchanged(input, old, 4);
    if (obj === old) return old;
    if (obj.metadata === old.metadata) obj.metadata = { ...old.metadata };
    if (opts.dryRun) return obj;
    // Dropping the last finalizer of an object being deleted completes the deletion (a gracefully terminating pod without
    // finalizers stays until the kubelet removes it).
    if (old.metadata.deletionTimestamp && old.metadata.finalizers?.length && !obj.metadata.finalizers?.length) {
      const committed = this.commit(def, 'MODIFIED', obj, old);
      return this.remove(def, obj.metadata.namespace, obj.metadata.name) ?? committed;
    }
    return this.commit(def, 'MODIFIED', obj, old);
  }

  /** Stores (or removes, for DELETED) the object at a new resourceVersion and queues its event. */
  private commit(def: ResourceDef, type: WatchEventType, obj: KubeObject, old: KubeObject | undefined): KubeObject {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    if (obj.metadata.finalizers && obj.metadata.finalizers.length === 0) delete obj.metadata.finalizers;
    deepFreeze(obj);
    const id = resourceId(def);
    let bucket = this.buckets.get(id);
    if (!bucket) this.buckets.set(id, (bucket = new Map()));
    const ns = def.namespaced ? obj.metadata.namespace ?? '' : '';
    let byName = bucket.get(ns);
    if (!byName) bucket.set(ns, (byName = new Map()));
    if (type === 'DELETED') {
      byName.delete(obj.metadata.name);
      sortedNames.delete(byName);
      if (byName.size === 0) bucket.delete(ns);
    } else {
      if (!byName.has(obj.metadata.name)) sortedNames.delete(byName);
      byName.set(obj.metadata.name, obj);
    }
    const entry: HistoryEntry = { type, resource: { group: def.group, version: def.version, resource: def.resource }, object: obj, rv, rid: id };
    if (old) entry.oldObject = old;
    this.history.append(entry);
    this.queue.push(entry);
    this.dispatch();
    return obj;
  }

  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) {
        for (const l of [...this.listeners]) {
          try {
            l(e);
          } catch (err) {
            // A failing listener (controller bug) must not break the write that triggered it, nor other listeners.
            console.error('[kube-sim] store listener failed:', err);
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  private checkNamespaceWritable(def: ResourceDef, namespace: string, name: string): void {
    const ns = this.getShared(RESOURCE_KEYS.namespaces, undefined, namespace);
    if (!ns) throw notFound(RESOURCE_KEYS.namespaces, namespace);
    if (ns.metadata.deletionTimestamp) throw namespaceTerminating(namespace, def, name);
  }

  private orphanDependents(ownerUid: string): void {
    for (const [id, bucket] of this.buckets) {
      const def = resourceDef(parseId(id));
      for (const byName of bucket.values()) {
        for (const o of [...byName.values()]) {
          if (!o.metadata.ownerReferences?.some((r) => r.uid === ownerUid)) continue;
          this.mutate(def, o.metadata.namespace, o.metadata.name, (x) => {
            const refs = (x.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
            if (refs.length) x.metadata.ownerReferences = refs;
            else delete x.metadata.ownerReferences;
          });
        }
      }
    }
  }

  private deleteNamespace(old: KubeObject, opts: DeleteOptions): KubeObject {
    const def = resourceDef(RESOURCE_KEYS.namespaces);
    if (opts.dryRun || old.metadata.deletionTimestamp) return deepClone(old);
    const obj = shallowWithMeta(old);
    obj.metadata.deletionTimestamp = kubeTime(this.now());
    obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
    const name = old.metadata.name;
    const marked = this.commit(def, 'MODIFIED', obj, old);
    for (const [id, bucket] of this.buckets) {
      const rdef = resourceDef(parseId(id));
      if (!rdef.namespaced) continue;
      for (const o of [...(bucket.get(name)?.values() ?? [])]) {
        this.delete(rdef, name, o.metadata.name, { propagationPolicy: 'Background' });
      }
    }
    this.maybeFinishNamespace(name);
    return deepClone(this.getShared(def, undefined, name) ?? marked);
  }

  private maybeFinishNamespace(namespace: string): void {
    const ns = this.getShared(RESOURCE_KEYS.namespaces, undefined, namespace);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const [id, bucket] of this.buckets) {
      if (resourceDef(parseId(id)).namespaced && bucket.get(namespace)?.size) return;
    }
    this.remove(RESOURCE_KEYS.namespaces, undefined, namespace);
  }

  private bootstrap(): void {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.create(RESOURCE_KEYS.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    this.create(RESOURCE_KEYS.services, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    });
  }
}
