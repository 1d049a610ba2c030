// Port of kubernetes/pkg/controller/replicaset (v1.32): manageReplicas, calculateStatus, updateReplicaSetStatus.
import type { KubeObject, StoreEvent } from '../../store/store.types';
import type { ControllerContext } from '../runtime/controller-context';
import { clone, controllerOf, controllerRef, keyOf, R, randomSuffix, sameResource, selectorMatches, splitKey } from '../runtime/resources';
import type { WorkQueue } from '../runtime/work-queue';
import { isPodActive, isPodAvailable, isPodReady, rankPodsForDeletion } from './pod-ranking';

const burstReplicas = 500;

export class ReplicaSetController {
  readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.queue('replicaset', (key) => this.sync(key));
    ctx.on((ev) => this.onEvent(ev));
    for (const rs of ctx.replicasets.list()) this.queue.add(keyOf(rs));
  }

  private onEvent(ev: StoreEvent): void {
    if (sameResource(ev.resource, R.replicasets)) {
      this.queue.add(keyOf(ev.object));
      return;
    }
    if (!sameResource(ev.resource, R.pods)) return;
    const ns = ev.object.metadata.namespace;
    const ref = controllerOf(ev.object);
    if (ref?.kind === 'ReplicaSet') this.queue.add(`${ns}/${ref.name}`);
    const oldRef = ev.oldObject ? controllerOf(ev.oldObject) : undefined;
    if (oldRef?.kind === 'ReplicaSet' && oldRef.uid !== ref?.uid) this.queue.add(`${ns}/${oldRef.name}`);
    if (!ref && ev.type !== 'DELETED' && !ev.object.metadata.deletionTimestamp) {
      for (const rs of this.ctx.replicasets.list(ns)) if (selectorMatches(rs.spec?.selector, ev.object.metadata.labels)) this.queue.add(keyOf(rs));
    }
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const cached = this.ctx.replicasets.get(ns, name);
    if (!cached) return;
    const rs = clone(cached);
    const filtered = this.claimPods(rs).filter(isPodActive);
    if (!rs.metadata.deletionTimestamp) this.manageReplicas(filtered, rs);
    const status = this.calculateStatus(rs, filtered);
    const updated = this.updateStatus(rs, status);
    const minReady = updated.spec?.minReadySeconds ?? 0;
    const want = updated.spec?.replicas ?? 1;
    if (minReady > 0 && (status.readyReplicas ?? 0) === want && (status.availableReplicas ?? 0) !== want) {
      this.queue.addAfter(key, minReady * 1000);
    }
  }

  /** Owned pods, plus orphans the selector matches (adopted, as the ControllerRefManager does). */
  private claimPods(rs: KubeObject): KubeObject[] {
    const owned = this.ctx.pods.ownedBy(rs.metadata.uid!).filter((p) => selectorMatches(rs.spec.selector, p.metadata.labels));
    if (rs.metadata.deletionTimestamp) return owned;
    for (const p of this.ctx.pods.orphans(rs.metadata.namespace)) {
      if (controllerOf(p) || p.metadata.deletionTimestamp || !selectorMatches(rs.spec.selector, p.metadata.labels)) continue;
      const adopted = this.ctx.store.mutate(R.pods, p.metadata.namespace, p.metadata.name, (o) => {
        o.metadata.ownerReferences = [...(o.metadata.ownerReferences ?? []), controllerRef(rs)];
      });
      if (adopted) owned.push(adopted);
    }
    return owned;
  }

  private manageReplicas(filtered: KubeObject[], rs: KubeObject): void {
    let diff = filtered.length - (rs.spec.replicas ?? 1);
    if (diff < 0) {
      diff = Math.min(-diff, burstReplicas);
      for (let i = 0; i < diff; i++) this.createPod(rs);
    } else if (diff > 0) {
      diff = Math.min(diff, burstReplicas);
      const related = this.relatedPods(rs);
      const victims = diff < filtered.length ? rankPodsForDeletion(filtered, related).slice(0, diff) : filtered;
      for (const p of victims) {
        try {
          this.ctx.store.delete(R.pods, p.metadata.namespace, p.metadata.name);
          this.ctx.recorder.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'replicaset-controller');
        } catch {
          // Already gone.
        }
      }
    }
  }

  /** Pods of any ReplicaSet owned by the same controller (the sibling replica sets of one Deployment). */
  private relatedPods(rs: KubeObject): KubeObject[] {
    const owner = controllerOf(rs);
    const siblings = owner ? this.ctx.replicasets.ownedBy(owner.uid) : [rs];
    return siblings.flatMap((r) => this.ctx.pods.ownedBy(r.metadata.uid!));
  }

  private createPod(rs: KubeObject): void {
    const t = rs.spec.template ?? {};
    const prefix = `${rs.metadata.name}-`;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: prefix + randomSuffix(),
        generateName: prefix,
        namespace: rs.metadata.namespace,
        labels: { ...(t.metadata?.labels ?? {}) },
        ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(rs)],
      },
      spec: clone(t.spec ?? {}),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const created = this.ctx.store.create(R.pods, pod);
        this.ctx.recorder.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, 'replicaset-controller');
        return;
      } catch (err) {
        if ((err as { status?: { code?: number } }).status?.code !== 409) throw err;
        pod.metadata.name = prefix + randomSuffix();
      }
    }
  }

  private calculateStatus(rs: KubeObject, filtered: KubeObject[]): Record<string, number> {
    const now = this.ctx.clock.now();
    const minReady = rs.spec?.minReadySeconds ?? 0;
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const p of filtered) {
      if (selectorMatchesTemplate(rs, p)) fullyLabeled++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) available++;
      }
    }
    return { replicas: filtered.length, fullyLabeledReplicas: fullyLabeled, readyReplicas: ready, availableReplicas: available };
  }

  private updateStatus(rs: KubeObject, s: Record<string, number>): KubeObject {
    const cur = rs.status ?? {};
    const same = (k: string): boolean => (cur[k] ?? 0) === (s[k] ?? 0);
    if (same('replicas') && same('fullyLabeledReplicas') && same('readyReplicas') && same('availableReplicas') && (rs.metadata.generation ?? 0) === (cur.observedGeneration ?? 0)) {
      return rs;
    }
    // replicas is not omitempty on the wire; the other counters are.
    const status: Record<string, unknown> = { replicas: s.replicas };
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (s[k]) status[k] = s[k];
    status.observedGeneration = rs.metadata.generation;
    if (cur.conditions) status.conditions = cur.conditions;
    return (
      this.ctx.store.mutateStatus(R.replicasets, rs.metadata.namespace, rs.metadata.name, (o) => {
        o.status = status;
      }) ?? rs
    );
  }
}

function selectorMatchesTemplate(rs: KubeObject, p: KubeObject): boolean {
  const want = rs.spec?.template?.metadata?.labels ?? {};
  const have = p.metadata.labels ?? {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}
