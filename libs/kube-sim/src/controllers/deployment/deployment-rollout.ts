// Ports of rolling.go, recreate.go and sync.go's scale/cleanup from kubernetes/pkg/controller/deployment (v1.32).
import type { KubeObject } from '../../store/store.types';
import { R } from '../runtime/resources';
import type { ControllerContext } from '../runtime/controller-context';
import {
  actualReplicaCount,
  availableReplicaCount,
  byCreation,
  byRevision,
  bySize,
  filterActive,
  findActiveOrLatest,
  getProportion,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  replicaCount,
  specReplicas,
} from './deployment.rules';
import {
  deploymentComplete,
  hasRevisionHistoryLimit,
} from './deployment-status';

type RS = KubeObject;

/**
 * What the rollout strategies need of the Deployment controller. Declared here (the controller satisfies it) so the
 * two files do not import each other.
 */
export interface RolloutHost {
  readonly ctx: ControllerContext;
  getAllReplicaSetsAndSyncRevision(d: KubeObject, rsList: RS[], create: boolean): { newRS: RS | undefined; oldRSs: RS[] };
  syncRolloutStatus(allRSs: (RS | undefined)[], newRS: RS | undefined, d: KubeObject): void;
  scaleReplicaSet(rs: RS, newScale: number, d: KubeObject, op: 'up' | 'down' | ''): { scaled: boolean; rs: RS };
  scaleReplicaSetAndRecordEvent(rs: RS, newScale: number, d: KubeObject): { scaled: boolean; rs: RS };
}

export function rolloutRolling(dc: RolloutHost, d: KubeObject, rsList: RS[]): void {
  const { newRS, oldRSs } = dc.getAllReplicaSetsAndSyncRevision(d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  if (!newRS) return;
  if (reconcileNewReplicaSet(dc, allRSs, newRS, d)) {
    dc.syncRolloutStatus(allRSs, newRS, d);
    return;
  }
  if (reconcileOldReplicaSets(dc, allRSs, filterActive(oldRSs), newRS, d)) {
    dc.syncRolloutStatus(allRSs, newRS, d);
    return;
  }
  if (deploymentComplete(d, d.status ?? {})) cleanupDeployment(dc, oldRSs, d);
  dc.syncRolloutStatus(allRSs, newRS, d);
}

function reconcileNewReplicaSet(dc: RolloutHost, allRSs: (RS | undefined)[], newRS: RS, d: KubeObject): boolean {
  if (specReplicas(newRS) === specReplicas(d)) return false;
  if (specReplicas(newRS) > specReplicas(d)) return dc.scaleReplicaSetAndRecordEvent(newRS, specReplicas(d), d).scaled;
  return dc.scaleReplicaSetAndRecordEvent(newRS, newRSNewReplicas(d, allRSs, newRS), d).scaled;
}

function reconcileOldReplicaSets(dc: RolloutHost, allRSs: (RS | undefined)[], oldRSs: RS[], newRS: RS, d: KubeObject): boolean {
  const oldPodsCount = replicaCount(oldRSs);
  if (oldPodsCount === 0) return false;
  const allPodsCount = replicaCount(allRSs);
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newRSUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  // Unhealthy old replicas go first, otherwise they would block the rollout until the deadline.
  const cleaned = cleanupUnhealthyReplicas(dc, oldRSs, d, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(dc, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  return cleaned.count + scaledDown > 0;
}

function cleanupUnhealthyReplicas(dc: RolloutHost, oldRSs: RS[], d: KubeObject, maxCleanup: number): { oldRSs: RS[]; count: number } {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanup) break;
    const rs = sorted[i]!;
    const avail = rs.status?.availableReplicas ?? 0;
    if (specReplicas(rs) === 0 || specReplicas(rs) === avail) continue;
    const down = Math.min(maxCleanup - total, specReplicas(rs) - avail);
    sorted[i] = dc.scaleReplicaSetAndRecordEvent(rs, specReplicas(rs) - down, d).rs;
    total += down;
  }
  return { oldRSs: sorted, count: total };
}

function scaleDownOldReplicaSetsForRollingUpdate(dc: RolloutHost, allRSs: RS[], oldRSs: RS[], d: KubeObject): number {
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= toScaleDown) break;
    if (specReplicas(rs) === 0) continue;
    const down = Math.min(specReplicas(rs), toScaleDown - total);
    dc.scaleReplicaSetAndRecordEvent(rs, specReplicas(rs) - down, d);
    total += down;
  }
  return total;
}

export function rolloutRecreate(dc: RolloutHost, d: KubeObject, rsList: RS[], podMap: Map<string, KubeObject[]>): void {
  // The new replica set is created only after the old pods are gone, so it never scales up before the old scale down.
  let { newRS, oldRSs } = dc.getAllReplicaSetsAndSyncRevision(d, rsList, false);
  let allRSs = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if (dc.scaleReplicaSetAndRecordEvent(rs, 0, d).scaled) scaledDown = true;
  }
  if (scaledDown) {
    dc.syncRolloutStatus(allRSs, newRS, d);
    return;
  }
  if (oldPodsRunning(newRS, oldRSs, podMap)) {
    dc.syncRolloutStatus(allRSs, newRS, d);
    return;
  }
  if (!newRS) {
    ({ newRS, oldRSs } = dc.getAllReplicaSetsAndSyncRevision(d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) dc.scaleReplicaSetAndRecordEvent(newRS, specReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) cleanupDeployment(dc, oldRSs, d);
  dc.syncRolloutStatus(allRSs, newRS, d);
}

function oldPodsRunning(newRS: RS | undefined, oldRSs: RS[], podMap: Map<string, KubeObject[]>): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const p of pods) {
      const phase = p.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}

/** sync.go scale(): full-size the only active replica set, or share a resize proportionally. */
export function scaleDeployment(dc: RolloutHost, d: KubeObject, newRS: RS | undefined, oldRSs: RS[]): void {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (specReplicas(activeOrLatest) === specReplicas(d)) return;
    dc.scaleReplicaSetAndRecordEvent(activeOrLatest, specReplicas(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) dc.scaleReplicaSetAndRecordEvent(old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  let all = filterActive([...oldRSs, newRS]);
  const allReplicas = replicaCount(all);
  const allowed = specReplicas(d) > 0 ? specReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - allReplicas;
  let op: 'up' | 'down' | '' = '';
  if (toAdd > 0) {
    all = all.sort(bySize(true));
    op = 'up';
  } else if (toAdd < 0) {
    all = all.sort(bySize(false));
    op = 'down';
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = getProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name, specReplicas(rs) + p);
      added += p;
    } else sizes.set(rs.metadata.name, specReplicas(rs));
  }
  all.forEach((rs, i) => {
    if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name, Math.max(0, sizes.get(rs.metadata.name)! + toAdd - added));
    dc.scaleReplicaSet(rs, sizes.get(rs.metadata.name)!, d, op);
  });
}

/** Delete the oldest fully scaled-down replica sets beyond revisionHistoryLimit. */
export function cleanupDeployment(dc: RolloutHost, oldRSs: RS[], d: KubeObject): void {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - d.spec.revisionHistoryLimit;
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i]!;
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    dc.ctx.store.delete(R.replicasets, rs.metadata.namespace, rs.metadata.name, { propagationPolicy: 'Background' });
  }
}
