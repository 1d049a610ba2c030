// Deployment conditions and status arithmetic, ported from kubernetes/pkg/controller/deployment/util (v1.32).
import type { KubeObject } from '../../store/store.types';
import {
  actualReplicaCount,
  availableReplicaCount,
  maxUnavailable,
  readyReplicaCount,
  Reasons,
  replicaCount,
  specReplicas,
  stableStringify,
  type DeploymentCondition,
  type DeploymentStatus,
} from './deployment.rules';

type RS = KubeObject;

// ---- conditions -------------------------------------------------------------------------------------------

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: string): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** deploymentutil.SetDeploymentCondition: no-op for the same status and reason; otherwise moved to the end. */
export function setCondition(status: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(status, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  if (cur && cur.status === c.status) c = { ...c, lastTransitionTime: cur.lastTransitionTime };
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), c];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

export function hasProgressDeadline(d: KubeObject): boolean {
  const p = d.spec?.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== 2147483647;
}

export function hasRevisionHistoryLimit(d: KubeObject): boolean {
  const l = d.spec?.revisionHistoryLimit;
  return l !== undefined && l !== null && l !== 2147483647;
}

const n0 = (v: number | undefined): number => v ?? 0;

/** deploymentutil.DeploymentComplete. */
export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const r = specReplicas(d);
  return n0(s.updatedReplicas) === r && n0(s.replicas) === r && n0(s.availableReplicas) === r && n0(s.observedGeneration) >= (d.metadata.generation ?? 0);
}

/** deploymentutil.DeploymentProgressing: any of updated/ready/available went up, or old replicas went down. */
export function deploymentProgressing(d: KubeObject, s: DeploymentStatus): boolean {
  const old: DeploymentStatus = d.status ?? {};
  const oldOld = n0(old.replicas) - n0(old.updatedReplicas);
  const newOld = n0(s.replicas) - n0(s.updatedReplicas);
  return n0(s.updatedReplicas) > n0(old.updatedReplicas) || newOld < oldOld || n0(s.readyReplicas) > n0(old.readyReplicas) || n0(s.availableReplicas) > n0(old.availableReplicas);
}

/** deploymentutil.DeploymentTimedOut. */
export function deploymentTimedOut(d: KubeObject, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c) return false;
  if (c.reason === Reasons.NewRSAvailable) return false;
  if (c.reason === Reasons.TimedOut) return true;
  const from = Date.parse(c.lastUpdateTime);
  return from + d.spec.progressDeadlineSeconds * 1000 < nowMs;
}

/** deployment controller's calculateStatus; zero counters are omitted, as omitempty does on the wire. */
export function calculateStatus(allRSs: (RS | undefined)[], newRS: RS | undefined, d: KubeObject, now: string): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const unavailable = Math.max(0, total - available);
  const s: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    collisionCount: d.status?.collisionCount,
  };
  if (d.status?.conditions) s.conditions = d.status.conditions.map((c: DeploymentCondition) => ({ ...c }));
  if (available >= specReplicas(d) - maxUnavailable(d)) {
    setCondition(s, newCondition('Available', 'True', Reasons.MinimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(s, newCondition('Available', 'False', Reasons.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return compactStatus(s);
}

export function compactStatus<T extends object>(s: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined || v === null || v === 0 || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as T;
}

export function statusEqual(a: unknown, b: unknown): boolean {
  return stableStringify(compactStatus((a ?? {}) as object)) === stableStringify(compactStatus((b ?? {}) as object));
}
