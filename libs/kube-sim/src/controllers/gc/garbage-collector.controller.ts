// The garbage collector: dependents whose owners are all gone are deleted (Background); an owner deleted in the
// Foreground (finalizer foregroundDeletion) is released once its blockOwnerDeletion dependents are gone.
// Orphan propagation is handled by the store at delete time.
import type { KubeObject, ResourceKey, StoreEvent } from '../../store/store.types';
import type { ControllerContext } from '../runtime/controller-context';
import { R } from '../runtime/resources';
import type { WorkQueue } from '../runtime/work-queue';

const Tracked: ResourceKey[] = [R.pods, R.replicasets, R.deployments, R.jobs, R.services, R.endpoints, R.endpointslices,
  { group: '', version: 'v1', resource: 'configmaps' }, { group: '', version: 'v1', resource: 'secrets' }];

const TrackedKinds = new Set(['Pod', 'ReplicaSet', 'Deployment', 'Job', 'Service', 'Endpoints', 'EndpointSlice', 'ConfigMap', 'Secret']);

interface Ref {
  resource: ResourceKey;
  ns: string | undefined;
  name: string;
  uid: string;
}

const rid = (r: ResourceKey): string => `${r.group}/${r.resource}`;

export class GarbageCollector {
  /** uid → object identity, for every live tracked object. */
  private readonly live = new Map<string, Ref>();
  /** owner uid → dependents (by uid). */
  private readonly dependents = new Map<string, Map<string, { ref: Ref; owners: KubeObject['metadata']['ownerReferences'] }>>();
  private readonly orphanCheck: WorkQueue;
  private readonly foreground: WorkQueue;
  private readonly tracked = new Set(Tracked.map(rid));

  constructor(private readonly ctx: ControllerContext) {
    this.orphanCheck = ctx.queue('gc-orphans', (uid) => this.collect(uid));
    this.foreground = ctx.queue('gc-foreground', (uid) => this.finishForeground(uid));
    for (const r of Tracked) {
      for (const o of ctx.store.list(r)) this.index(r, o);
    }
    for (const [owner] of this.dependents) if (!this.live.has(owner)) this.orphanCheck.add(owner);
    for (const ref of this.live.values()) {
      const o = ctx.store.get(ref.resource, ref.ns, ref.name);
      if (o?.metadata.deletionTimestamp && o.metadata.finalizers?.includes('foregroundDeletion')) this.foreground.add(ref.uid);
    }
    ctx.on((ev) => this.onEvent(ev));
  }

  private onEvent(ev: StoreEvent): void {
    if (!this.tracked.has(rid(ev.resource))) return;
    const o = ev.object;
    const uid = o.metadata.uid!;
    if (ev.oldObject) this.unindex(ev.oldObject);
    if (ev.type === 'DELETED') {
      this.live.delete(uid);
      this.unindex(o);
      if (this.dependents.has(uid)) this.orphanCheck.add(uid);
      for (const r of o.metadata.ownerReferences ?? []) if (this.live.has(r.uid)) this.foreground.add(r.uid);
      return;
    }
    this.index(ev.resource, o);
    for (const r of o.metadata.ownerReferences ?? []) {
      if (!this.live.has(r.uid)) this.orphanCheck.add(r.uid);
      else this.foreground.add(r.uid);
    }
    if (o.metadata.deletionTimestamp && o.metadata.finalizers?.includes('foregroundDeletion')) this.foreground.add(uid);
  }

  private index(resource: ResourceKey, o: KubeObject): void {
    const ref: Ref = { resource, ns: o.metadata.namespace, name: o.metadata.name, uid: o.metadata.uid! };
    this.live.set(ref.uid, ref);
    for (const r of o.metadata.ownerReferences ?? []) {
      let m = this.dependents.get(r.uid);
      if (!m) this.dependents.set(r.uid, (m = new Map()));
      m.set(ref.uid, { ref, owners: o.metadata.ownerReferences });
    }
  }

  private unindex(o: KubeObject): void {
    for (const r of o.metadata.ownerReferences ?? []) {
      const m = this.dependents.get(r.uid);
      m?.delete(o.metadata.uid!);
      if (m && m.size === 0) this.dependents.delete(r.uid);
    }
  }

  /** The owner `uid` is gone: delete dependents that have no other live owner. */
  private collect(ownerUid: string): void {
    if (this.live.has(ownerUid)) return;
    for (const { ref, owners } of [...(this.dependents.get(ownerUid)?.values() ?? [])]) {
      // Owners of kinds the collector does not watch (nodes, CRDs, …) cannot be proven gone: leave the dependent be.
      const mine = (owners ?? []).find((r) => r.uid === ownerUid);
      if (!mine || !TrackedKinds.has(mine.kind)) continue;
      const otherLive = (owners ?? []).some((r) => r.uid !== ownerUid && this.live.has(r.uid));
      if (otherLive) {
        this.ctx.store.mutate(ref.resource, ref.ns, ref.name, (x) => {
          const refs = (x.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
          x.metadata.ownerReferences = refs.length ? refs : undefined;
        });
        continue;
      }
      this.ctx.store.delete(ref.resource, ref.ns, ref.name, { propagationPolicy: 'Background' });
    }
  }

  /** An owner waiting for its dependents (foregroundDeletion): delete them, and release it once the blocking ones are gone. */
  private finishForeground(uid: string): void {
    const ref = this.live.get(uid);
    if (!ref) return;
    const owner = this.ctx.store.get(ref.resource, ref.ns, ref.name);
    if (!owner || owner.metadata.uid !== uid || !owner.metadata.deletionTimestamp || !owner.metadata.finalizers?.includes('foregroundDeletion')) return;
    let blocking = 0;
    for (const { ref: dep, owners } of [...(this.dependents.get(uid)?.values() ?? [])]) {
      const mine = (owners ?? []).find((r) => r.uid === uid);
      if (mine?.blockOwnerDeletion) blocking++;
      const cur = this.ctx.store.get(dep.resource, dep.ns, dep.name);
      if (!cur || cur.metadata.deletionTimestamp) continue;
      const hasOwnDependents = this.dependents.has(dep.uid);
      this.ctx.store.delete(dep.resource, dep.ns, dep.name, { propagationPolicy: hasOwnDependents ? 'Foreground' : 'Background' });
    }
    if (blocking > 0) return;
    this.ctx.store.mutate(ref.resource, ref.ns, ref.name, (x) => {
      x.metadata.finalizers = (x.metadata.finalizers ?? []).filter((f) => f !== 'foregroundDeletion');
    });
  }
}
