// Pure helpers ported from kubernetes/pkg/controller/deployment/util (v1.32): fenceposts, annotations,
// conditions, the pod-template hash and the status arithmetic. No store access here.
import type { KubeObject } from '../../store/store.types';
import { safeEncode } from '../runtime/resources';

export const RevisionAnnotation = 'deployment.kubernetes.io/revision';
export const RevisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const DesiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const MaxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const HashLabel = 'pod-template-hash';
const annotationsToSkip = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  RevisionAnnotation,
  RevisionHistoryAnnotation,
  DesiredReplicasAnnotation,
  MaxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

export const Reasons = {
  NewRSCreated: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  FailedRSCreate: 'ReplicaSetCreateError',
} as const;

export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: DeploymentCondition[];
}

// ---- int-or-percent ----------------------------------------------------------------------------------------

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
  }
  const pct = Number(m[1]);
  return roundUp ? Math.ceil((pct * total) / 100) : Math.floor((pct * total) / 100);
}

/** deploymentutil.ResolveFenceposts: maxSurge rounds up, maxUnavailable down, and both zero means one unavailable. */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): [number, number] {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function specReplicas(o: KubeObject): number {
  return o.spec?.replicas ?? 1;
}

export function isRollingUpdate(d: KubeObject): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge ?? '25%', ru.maxUnavailable ?? '25%', specReplicas(d))[0];
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = specReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const [, u] = resolveFenceposts(ru.maxSurge ?? '25%', ru.maxUnavailable ?? '25%', replicas);
  return u > replicas ? replicas : u;
}

// ---- replica set sets -------------------------------------------------------------------------------------

type RS = KubeObject;
const nn = (list: (RS | undefined | null)[]): RS[] => list.filter((r): r is RS => !!r);

export const replicaCount = (rss: (RS | undefined | null)[]): number => nn(rss).reduce((s, r) => s + specReplicas(r), 0);
export const actualReplicaCount = (rss: (RS | undefined | null)[]): number => nn(rss).reduce((s, r) => s + (r.status?.replicas ?? 0), 0);
export const readyReplicaCount = (rss: (RS | undefined | null)[]): number => nn(rss).reduce((s, r) => s + (r.status?.readyReplicas ?? 0), 0);
export const availableReplicaCount = (rss: (RS | undefined | null)[]): number => nn(rss).reduce((s, r) => s + (r.status?.availableReplicas ?? 0), 0);
export const filterActive = (rss: (RS | undefined | null)[]): RS[] => nn(rss).filter((r) => specReplicas(r) > 0);

function created(o: KubeObject): number {
  return Date.parse(o.metadata.creationTimestamp ?? '') || 0;
}

/** controller.ReplicaSetsByCreationTimestamp. */
export function byCreation(a: RS, b: RS): number {
  const d = created(a) - created(b);
  return d !== 0 ? d : a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export function revisionOf(o: KubeObject): number {
  const v = Number.parseInt(o.metadata.annotations?.[RevisionAnnotation] ?? '', 10);
  return Number.isNaN(v) ? 0 : v;
}

export function byRevision(a: RS, b: RS): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreation(a, b);
}

/** ReplicaSetsBySizeNewer / BySizeOlder: larger first; ties broken by age in the scaling direction. */
export function bySize(newerFirst: boolean): (a: RS, b: RS) => number {
  return (a, b) => {
    const d = specReplicas(b) - specReplicas(a);
    if (d !== 0) return d;
    return newerFirst ? byCreation(b, a) : byCreation(a, b);
  };
}

export function maxRevision(rss: RS[]): number {
  return rss.reduce((m, r) => Math.max(m, revisionOf(r)), 0);
}

// ---- templates --------------------------------------------------------------------------------------------

export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : stableStringify(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

function fnv32a(s: string, h = 0x811c9dc5): number {
  const bytes = Buffer.from(s, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** controller.ComputeHash: fnv32a of the template (and collisionCount), safe-encoded. */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(stableStringify(template));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b.toString('latin1'), h);
  }
  return safeEncode(h);
}

function withoutHash(t: any): any {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels[HashLabel];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  if (c.metadata && c.metadata.creationTimestamp === null) delete c.metadata.creationTimestamp;
  return c;
}

/** deploymentutil.EqualIgnoreHash. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return stableStringify(withoutHash(a)) === stableStringify(withoutHash(b));
}

export function findNewReplicaSet(d: KubeObject, rss: RS[]): RS | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export function findOldReplicaSets(d: KubeObject, rss: RS[], newRS: RS | undefined): RS[] {
  return rss.filter((r) => !newRS || r.metadata.uid !== newRS.metadata.uid);
}

// ---- annotations ------------------------------------------------------------------------------------------

/** Returns true when the annotations changed. */
export function setReplicasAnnotations(rs: RS, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  const d = String(desired);
  const m = String(max);
  if (a[DesiredReplicasAnnotation] === d && a[MaxReplicasAnnotation] === m) return false;
  a[DesiredReplicasAnnotation] = d;
  a[MaxReplicasAnnotation] = m;
  return true;
}

export function replicasAnnotationsNeedUpdate(rs: RS, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DesiredReplicasAnnotation] !== String(desired) || a[MaxReplicasAnnotation] !== String(max);
}

function copyDeploymentAnnotationsToReplicaSet(d: KubeObject, rs: RS): boolean {
  let changed = false;
  const a = (rs.metadata.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsToSkip.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

const maxRevHistoryLengthInChars = 2000;

/** deploymentutil.SetNewReplicaSetAnnotations (revision bump with revision-history on rollback). */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: RS, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const oldRevision = a[RevisionAnnotation];
  let oldRevisionInt = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    oldRevisionInt = Number.parseInt(oldRevision, 10);
    if (Number.isNaN(oldRevisionInt)) return false;
  }
  if (oldRevisionInt < newRevision) {
    a[RevisionAnnotation] = String(newRevision);
    changed = true;
  }
  if (oldRevision !== undefined && oldRevisionInt < newRevision) {
    const hist = a[RevisionHistoryAnnotation] ?? '';
    let olds = hist.split(',');
    if (olds[0]!.length === 0) a[RevisionHistoryAnnotation] = oldRevision;
    else {
      let total = hist.length + oldRevision.length + 1;
      let start = 0;
      while (total > maxRevHistoryLengthInChars && start < olds.length) {
        total -= olds[start]!.length + 1;
        start++;
      }
      if (total <= maxRevHistoryLengthInChars) {
        olds = [...olds.slice(start), oldRevision];
        a[RevisionHistoryAnnotation] = olds.join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, specReplicas(d), specReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

export function desiredReplicasAnnotation(rs: RS): number | undefined {
  const v = Number.parseInt(rs.metadata.annotations?.[DesiredReplicasAnnotation] ?? '', 10);
  return Number.isNaN(v) ? undefined : v;
}

function maxReplicasAnnotation(rs: RS): number | undefined {
  const v = Number.parseInt(rs.metadata.annotations?.[MaxReplicasAnnotation] ?? '', 10);
  return Number.isNaN(v) ? undefined : v;
}

// ---- replica arithmetic -----------------------------------------------------------------------------------

/** deploymentutil.NewRSNewReplicas. */
export function newRSNewReplicas(d: KubeObject, allRSs: (RS | undefined)[], newRS: RS): number {
  if (!isRollingUpdate(d)) return specReplicas(d);
  const desired = specReplicas(d);
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%', desired, true);
  const current = replicaCount(allRSs);
  const maxTotal = desired + surge;
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, desired - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

/** deploymentutil.IsSaturated. */
export function isSaturated(d: KubeObject, rs: RS | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  const n = specReplicas(d);
  return specReplicas(rs) === n && desired === n && (rs.status?.availableReplicas ?? 0) === n;
}

/** deploymentutil.FindActiveOrLatest. */
export function findActiveOrLatest(newRS: RS | undefined, oldRSs: RS[]): RS | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort(byCreation).reverse();
  const active = filterActive([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** deploymentutil.GetProportion: this replica set's share of a proportional scale. */
export function getProportion(rs: RS, d: KubeObject, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (specReplicas(d) === 0) fraction = -specReplicas(rs);
  else {
    const maxNow = specReplicas(d) + maxSurge(d);
    let before = maxReplicasAnnotation(rs);
    if (!before) before = d.status?.replicas ?? 0;
    fraction = before ? roundHalfAway((specReplicas(rs) * maxNow) / before) - specReplicas(rs) : 0;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
