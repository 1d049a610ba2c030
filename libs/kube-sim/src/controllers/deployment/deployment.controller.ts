// Port of kubernetes/pkg/controller/deployment (v1.32): syncDeployment, getNewReplicaSet, status syncing.
// The rollout strategies live in deployment-rollout.ts.
import type { KubeObject, StoreEvent } from '../../store/store.types';
import type { ControllerContext } from '../runtime/controller-context';
import { clone, controllerOf, controllerRef, keyOf, R, sameResource, selectorIsEmpty, selectorMatches, splitKey } from '../runtime/resources';
import type { WorkQueue } from '../runtime/work-queue';
import {
  desiredReplicasAnnotation,
  filterActive,
  findNewReplicaSet,
  findOldReplicaSets,
  HashLabel,
  maxRevision,
  maxSurge,
  newRSNewReplicas,
  Reasons,
  replicasAnnotationsNeedUpdate,
  RevisionAnnotation,
  computeHash,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicas,
  type DeploymentStatus,
} from './deployment.rules';
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  removeCondition,
  setCondition,
  statusEqual,
} from './deployment-status';
import { cleanupDeployment, rolloutRecreate, rolloutRolling, scaleDeployment, type RolloutHost } from './deployment-rollout';

export type RS = KubeObject;

export class DeploymentController implements RolloutHost {
  readonly queue: WorkQueue;

  constructor(readonly ctx: ControllerContext) {
    this.queue = ctx.queue('deployment', (key) => this.syncDeployment(key));
    ctx.on((ev) => this.onEvent(ev));
    for (const d of ctx.deployments.list()) this.queue.add(keyOf(d));
  }

  private onEvent(ev: StoreEvent): void {
    if (sameResource(ev.resource, R.deployments)) {
      this.queue.add(keyOf(ev.object));
    } else if (sameResource(ev.resource, R.replicasets)) {
      const ref = controllerOf(ev.object);
      const oldRef = ev.oldObject ? controllerOf(ev.oldObject) : undefined;
      if (ref?.kind === 'Deployment') this.queue.add(`${ev.object.metadata.namespace}/${ref.name}`);
      if (oldRef?.kind === 'Deployment' && oldRef.uid !== ref?.uid) this.queue.add(`${ev.object.metadata.namespace}/${oldRef.name}`);
      if (!ref && ev.type !== 'DELETED') {
        for (const d of this.ctx.deployments.list(ev.object.metadata.namespace)) {
          if (selectorMatches(d.spec?.selector, ev.object.metadata.labels)) this.queue.add(keyOf(d));
        }
      }
    } else if (sameResource(ev.resource, R.pods) && ev.type === 'DELETED') {
      // Only Recreate waits on pods: it may create the new ReplicaSet once every old pod is gone.
      const rsRef = controllerOf(ev.object);
      if (rsRef?.kind !== 'ReplicaSet') return;
      const rs = this.ctx.replicasets.get(ev.object.metadata.namespace, rsRef.name);
      const dRef = rs ? controllerOf(rs) : undefined;
      if (dRef?.kind !== 'Deployment') return;
      const d = this.ctx.deployments.get(ev.object.metadata.namespace, dRef.name);
      if (!d || d.spec?.strategy?.type !== 'Recreate') return;
      const rsList = this.getReplicaSetsForDeployment(d);
      const remaining = rsList.reduce((n, r) => n + this.ctx.pods.ownedBy(r.metadata.uid!).length, 0);
      if (remaining === 0) this.queue.add(keyOf(d));
    }
  }

  now(): string {
    return this.ctx.clock.timestamp();
  }

  syncDeployment(key: string): void {
    const [ns, name] = splitKey(key);
    const cached = this.ctx.deployments.get(ns, name);
    if (!cached) return;
    const d = withDefaults(clone(cached));
    if (selectorIsEmpty(d.spec?.selector)) {
      // An empty selector would select every pod: Kubernetes refuses to act and only records observedGeneration.
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        this.writeStatus(d, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      }
      return;
    }
    const rsList = this.getReplicaSetsForDeployment(d);
    if (d.metadata.deletionTimestamp) {
      this.syncStatusOnly(d, rsList);
      return;
    }
    this.checkPausedConditions(d);
    if (d.spec.paused) {
      this.sync(d, rsList);
      return;
    }
    if (this.isScalingEvent(d, rsList)) {
      this.sync(d, rsList);
      return;
    }
    if (d.spec?.strategy?.type === 'Recreate') rolloutRecreate(this, d, rsList, this.getPodMapForDeployment(d, rsList));
    else rolloutRolling(this, d, rsList);
  }

  /** ClaimReplicaSets: owned ones plus adoptable orphans whose labels match. */
  getReplicaSetsForDeployment(d: KubeObject): RS[] {
    const out: RS[] = this.ctx.replicasets.ownedBy(d.metadata.uid!).filter((rs) => rs.metadata.namespace === d.metadata.namespace);
    for (const rs of this.ctx.replicasets.orphans(d.metadata.namespace)) {
      if (d.metadata.deletionTimestamp || rs.metadata.deletionTimestamp) continue;
      if (!selectorMatches(d.spec?.selector, rs.metadata.labels)) continue;
      const adopted = this.ctx.store.mutate(R.replicasets, rs.metadata.namespace, rs.metadata.name, (o) => {
        o.metadata.ownerReferences = [...(o.metadata.ownerReferences ?? []), controllerRef(d)];
      });
      if (adopted) out.push(adopted);
    }
    return out;
  }

  getPodMapForDeployment(d: KubeObject, rsList: RS[]): Map<string, KubeObject[]> {
    const m = new Map<string, KubeObject[]>();
    for (const rs of rsList) m.set(rs.metadata.uid!, []);
    for (const rs of rsList) {
      for (const p of this.ctx.pods.ownedBy(rs.metadata.uid!)) if (selectorMatches(d.spec.selector, p.metadata.labels)) m.get(rs.metadata.uid!)!.push(p);
    }
    return m;
  }

  private checkPausedConditions(d: KubeObject): void {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === Reasons.TimedOut) return;
    const pausedCondExists = cond?.reason === Reasons.Paused;
    const status: DeploymentStatus = clone(d.status ?? {});
    if (d.spec.paused && !pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', Reasons.Paused, 'Deployment is paused', this.now()));
    } else if (!d.spec.paused && pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', Reasons.Resumed, 'Deployment is resumed', this.now()));
    } else return;
    this.writeStatus(d, status);
  }

  private isScalingEvent(d: KubeObject, rsList: RS[]): boolean {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    for (const rs of filterActive([...oldRSs, newRS])) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired === undefined) continue;
      if (desired !== specReplicas(d)) return true;
    }
    return false;
  }

  /** Scaling or paused: scale the replica sets proportionally, clean up history, sync status. */
  sync(d: KubeObject, rsList: RS[]): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    scaleDeployment(this, d, newRS, oldRSs);
    if (d.spec.paused) cleanupDeployment(this, oldRSs, d);
    this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  private syncStatusOnly(d: KubeObject, rsList: RS[]): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  syncDeploymentStatus(allRSs: (RS | undefined)[], newRS: RS | undefined, d: KubeObject): void {
    const s = calculateStatus(allRSs, newRS, d, this.now());
    if (statusEqual(d.status, s)) return;
    this.writeStatus(d, s);
  }

  /** syncRolloutStatus: status plus the Progressing condition, and a timer for the progress deadline. */
  syncRolloutStatus(allRSs: (RS | undefined)[], newRS: RS | undefined, d: KubeObject): void {
    // Like the Go controller, status is computed from the replica sets as listed at the start of this sync.
    const now = this.now();
    const s = calculateStatus(allRSs, newRS, d, now);
    if (!hasProgressDeadline(d)) removeCondition(s, 'Progressing');
    const cur = getCondition(d.status, 'Progressing');
    const isComplete = (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && cur?.reason === Reasons.NewRSAvailable;
    if (hasProgressDeadline(d) && !isComplete) {
      if (deploymentComplete(d, s)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
        setCondition(s, newCondition('Progressing', 'True', Reasons.NewRSAvailable, msg, now));
      } else if (deploymentProgressing(d, s)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
        let c = newCondition('Progressing', 'True', Reasons.ReplicaSetUpdated, msg, now);
        // Progressing is special: same reason, but lastUpdateTime moves whenever progress is seen.
        if (cur) {
          if (cur.status === 'True') c = { ...c, lastTransitionTime: cur.lastTransitionTime };
          removeCondition(s, 'Progressing');
        }
        setCondition(s, c);
      } else if (deploymentTimedOut(d, s, this.ctx.clock.now())) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        setCondition(s, newCondition('Progressing', 'False', Reasons.TimedOut, msg, now));
      }
    }
    if (statusEqual(d.status, s)) {
      this.requeueStuckDeployment(d, s);
      return;
    }
    this.writeStatus(d, s);
  }

  /** Wake up exactly when the progress deadline would pass, instead of polling. */
  private requeueStuckDeployment(d: KubeObject, s: DeploymentStatus): void {
    const cur = getCondition(d.status, 'Progressing');
    if (!hasProgressDeadline(d) || !cur) return;
    if (deploymentComplete(d, s) || cur.reason === Reasons.TimedOut) return;
    const after = Date.parse(cur.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 - this.ctx.clock.now();
    this.queue.addAfter(keyOf(d), after < 1000 ? 5 : after);
  }

  getAllReplicaSetsAndSyncRevision(d: KubeObject, rsList: RS[], create: boolean): { newRS: RS | undefined; oldRSs: RS[] } {
    const existing = findNewReplicaSet(d, rsList);
    const oldRSs = findOldReplicaSets(d, rsList, existing);
    const newRS = this.getNewReplicaSet(d, rsList, oldRSs, existing, create);
    return { newRS, oldRSs };
  }

  private getNewReplicaSet(d: KubeObject, rsList: RS[], oldRSs: RS[], existing: RS | undefined, create: boolean): RS | undefined {
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = clone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReady = d.spec.minReadySeconds ?? 0;
      if (annotationsUpdated || (copy.spec.minReadySeconds ?? 0) !== minReady) {
        return this.ctx.store.mutate(R.replicasets, copy.metadata.namespace, copy.metadata.name, (o) => {
          o.metadata.annotations = copy.metadata.annotations;
          if (minReady) o.spec.minReadySeconds = minReady;
          else delete o.spec.minReadySeconds;
        });
      }
      let needsUpdate = this.setDeploymentRevision(d, copy.metadata.annotations?.[RevisionAnnotation] ?? '');
      const status: DeploymentStatus = clone(d.status ?? {});
      if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
        setCondition(status, newCondition('Progressing', 'True', Reasons.FoundNewRS, `Found new replica set "${copy.metadata.name}"`, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) this.writeStatus(d, status);
      return copy;
    }
    if (!create) return undefined;

    const template = clone(d.spec.template);
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HashLabel]: hash } };
    const selector = clone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HashLabel]: hash };
    const rs: RS = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [controllerRef(d)],
      },
      spec: { replicas: 0, selector, template, ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}) },
    };
    rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: RS;
    let alreadyExists = false;
    try {
      created = this.ctx.store.create(R.replicasets, rs);
    } catch (err) {
      if (codeOf(err) !== 409) throw err;
      alreadyExists = true;
      const cur = this.ctx.store.get(R.replicasets, rs.metadata.namespace, rs.metadata.name);
      const ref = cur ? controllerOf(cur) : undefined;
      if (!cur || ref?.uid !== d.metadata.uid || !findNewReplicaSet(d, [cur])) {
        // A hash collision: bump collisionCount so the next sync computes another name.
        this.writeStatus(d, { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 });
        throw err;
      }
      created = cur;
    }
    if (!alreadyExists && rs.spec.replicas > 0) {
      this.ctx.recorder.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${rs.spec.replicas}`, 'deployment-controller');
    }
    let needsUpdate = this.setDeploymentRevision(d, String(newRevision));
    const status: DeploymentStatus = clone(d.status ?? {});
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(status, newCondition('Progressing', 'True', Reasons.NewRSCreated, `Created new replica set "${created.metadata.name}"`, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) this.writeStatus(d, status);
    void rsList;
    return created;
  }

  private setDeploymentRevision(d: KubeObject, revision: string): boolean {
    if (d.metadata.annotations?.[RevisionAnnotation] === revision) return false;
    d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [RevisionAnnotation]: revision };
    return true;
  }

  /**
   * UpdateStatus on a Deployment also persists its annotations (the revision), as the apiserver's status
   * strategy keeps only spec and labels. The store's status write ignores metadata, so annotations go first.
   *
   * Like the Go controller, the written object's new resourceVersion is not kept: a second write of the same
   * Deployment within one sync conflicts and the sync is retried, which is why the real controller never
   * publishes some intermediate states (it re-reads the replica sets on the retry).
   */
  writeStatus(d: KubeObject, status: DeploymentStatus): void {
    const ns = d.metadata.namespace;
    const stored = this.ctx.store.get(R.deployments, ns, d.metadata.name);
    if (!stored || stored.metadata.uid !== d.metadata.uid) return;
    if (stored.metadata.resourceVersion !== d.metadata.resourceVersion) {
      throw Object.assign(new Error(`Operation cannot be fulfilled on deployments.apps "${d.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`), { code: 409 });
    }
    const wantRev = d.metadata.annotations?.[RevisionAnnotation];
    const revChanged = wantRev !== undefined && stored.metadata.annotations?.[RevisionAnnotation] !== wantRev;
    const setRev = (o: KubeObject): void => {
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [RevisionAnnotation]: wantRev! };
    };
    if (revChanged && this.ctx.store.mutateWithStatus) {
      this.ctx.store.mutateWithStatus(R.deployments, ns, d.metadata.name, (o) => {
        setRev(o);
        o.status = status;
      });
    } else {
      if (revChanged) this.ctx.store.mutate(R.deployments, ns, d.metadata.name, setRev);
      if (!statusEqual(stored.status, status)) {
        this.ctx.store.mutateStatus(R.deployments, ns, d.metadata.name, (o) => {
          o.status = status;
        });
      }
    }
    d.status = status;
  }

  /** Scale a replica set (and refresh its desired/max annotations); returns whether its size changed. */
  scaleReplicaSet(rs: RS, newScale: number, d: KubeObject, op: 'up' | 'down' | ''): { scaled: boolean; rs: RS } {
    const desired = specReplicas(d);
    const max = desired + maxSurge(d);
    const sizeNeedsUpdate = specReplicas(rs) !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const oldScale = specReplicas(rs);
    const updated = this.ctx.store.mutate(R.replicasets, rs.metadata.namespace, rs.metadata.name, (o) => {
      o.spec.replicas = newScale;
      setReplicasAnnotations(o, desired, max);
    });
    if (!updated) return { scaled: false, rs };
    if (sizeNeedsUpdate) {
      this.ctx.recorder.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`, 'deployment-controller');
    }
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  scaleReplicaSetAndRecordEvent(rs: RS, newScale: number, d: KubeObject): { scaled: boolean; rs: RS } {
    if (specReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, d, specReplicas(rs) < newScale ? 'up' : 'down');
  }
}

/** The apps/v1 defaults the apiserver fills in, in case an object reached the store without them. */
function withDefaults(d: KubeObject): KubeObject {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= { type: 'RollingUpdate' };
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  return d;
}

function codeOf(err: unknown): number | undefined {
  const e = err as { status?: { code?: number }; code?: number } | undefined;
  return e?.status?.code ?? e?.code;
}
