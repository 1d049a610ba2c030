import type { KubeObject, ObjectStore, ResourceKey, StoreEvent } from '../../store/store.types';
import { controllerOf, sameResource } from './resources';

/**
 * A namespace-indexed cache of one resource, kept by store events (the lister side of a client-go informer),
 * plus an index by controller uid so "pods of this ReplicaSet" is not a scan of every pod.
 */
export class Informer {
  private readonly byNs = new Map<string, Map<string, KubeObject>>();
  private readonly byOwner = new Map<string, Map<string, KubeObject>>();
  /** `ns/key=value` → objects carrying that label, so a selector's candidates are not a scan of the namespace. */
  private readonly byLabel = new Map<string, Map<string, KubeObject>>();
  /** Objects without a controller, per namespace: what a controller may adopt. */
  private readonly orphansByNs = new Map<string, Map<string, KubeObject>>();

  constructor(readonly resource: ResourceKey, store: ObjectStore) {
    for (const o of store.list(resource)) this.put(o);
  }

  handles(ev: StoreEvent): boolean {
    return sameResource(ev.resource, this.resource);
  }

  apply(ev: StoreEvent): void {
    if (ev.oldObject) this.drop(ev.oldObject);
    if (ev.type === 'DELETED') this.drop(ev.object);
    else this.put(ev.object);
  }

  get(ns: string | undefined, name: string): KubeObject | undefined {
    return this.byNs.get(ns ?? '')?.get(name);
  }

  list(ns?: string): KubeObject[] {
    if (ns !== undefined) return [...(this.byNs.get(ns)?.values() ?? [])];
    const out: KubeObject[] = [];
    for (const m of this.byNs.values()) out.push(...m.values());
    return out;
  }

  ownedBy(uid: string): KubeObject[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }

  /** Objects in `ns` whose labels include every pair of `selector` (a Service's map selector). */
  withLabels(ns: string | undefined, selector: Record<string, string>): KubeObject[] {
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return [];
    let best: Map<string, KubeObject> | undefined;
    for (const [k, v] of pairs) {
      const m = this.byLabel.get(`${ns ?? ''}/${k}=${v}`);
      if (!m) return [];
      if (!best || m.size < best.size) best = m;
    }
    return [...best!.values()].filter((o) => pairs.every(([k, v]) => o.metadata.labels?.[k] === v));
  }

  orphans(ns: string | undefined): KubeObject[] {
    return [...(this.orphansByNs.get(ns ?? '')?.values() ?? [])];
  }

  private put(o: KubeObject): void {
    const ns = o.metadata.namespace ?? '';
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    const prev = m.get(o.metadata.name);
    if (prev) this.unindex(prev);
    m.set(o.metadata.name, o);
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
      const lk = `${ns}/${k}=${v}`;
      let lm = this.byLabel.get(lk);
      if (!lm) this.byLabel.set(lk, (lm = new Map()));
      lm.set(o.metadata.name, o);
    }
    const ref = controllerOf(o);
    if (ref) {
      let om = this.byOwner.get(ref.uid);
      if (!om) this.byOwner.set(ref.uid, (om = new Map()));
      om.set(`${ns}/${o.metadata.name}`, o);
    } else {
      let on = this.orphansByNs.get(ns);
      if (!on) this.orphansByNs.set(ns, (on = new Map()));
      on.set(o.metadata.name, o);
    }
  }

  private drop(o: KubeObject): void {
    const ns = o.metadata.namespace ?? '';
    const m = this.byNs.get(ns);
    const cur = m?.get(o.metadata.name);
    if (!cur || cur.metadata.uid !== o.metadata.uid) return;
    m!.delete(o.metadata.name);
    this.unindex(cur);
  }

  private unindex(o: KubeObject): void {
    const ns = o.metadata.namespace ?? '';
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
      const lk = `${ns}/${k}=${v}`;
      const lm = this.byLabel.get(lk);
      lm?.delete(o.metadata.name);
      if (lm && lm.size === 0) this.byLabel.delete(lk);
    }
    const ref = controllerOf(o);
    if (!ref) {
      const on = this.orphansByNs.get(o.metadata.namespace ?? '');
      on?.delete(o.metadata.name);
      if (on && on.size === 0) this.orphansByNs.delete(o.metadata.namespace ?? '');
      return;
    }
    const om = this.byOwner.get(ref.uid);
    om?.delete(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    if (om && om.size === 0) this.byOwner.delete(ref.uid);
  }
}
