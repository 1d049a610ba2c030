// controller.ActivePodsWithRanks (v1.32): which pods a ReplicaSet deletes first when it scales down.
import type { KubeObject } from '../../store/store.types';

export function isPodReady(p: KubeObject): boolean {
  return (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}

function readySince(p: KubeObject): number | undefined {
  const c = (p.status?.conditions ?? []).find((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True');
  return c ? Date.parse(c.lastTransitionTime) : undefined;
}

/** podutil.IsPodAvailable: ready for at least minReadySeconds. */
export function isPodAvailable(p: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const since = readySince(p);
  if (since === undefined) return false;
  return minReadySeconds === 0 || since + minReadySeconds * 1000 <= nowMs;
}

export function isPodActive(p: KubeObject): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata.deletionTimestamp;
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(p: KubeObject): number {
  return (p.status?.containerStatuses ?? []).reduce((m: number, c: { restartCount?: number }) => Math.max(m, c.restartCount ?? 0), 0);
}

function deletionCost(p: KubeObject): number {
  const v = Number.parseInt(p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? '0', 10);
  return Number.isNaN(v) ? 0 : v;
}

/**
 * Sort pods so the ones to delete come first: unscheduled < scheduled, Pending < Unknown < Running, not ready <
 * ready, lower deletion cost, more pods of the same owner on the node, more recently ready, more restarts, newer.
 */
export function rankPodsForDeletion(pods: KubeObject[], related: KubeObject[]): KubeObject[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n && isPodActive(p)) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const rank = (p: KubeObject): number => (p.spec?.nodeName ? perNode.get(p.spec.nodeName) ?? 0 : 0);
  const created = (p: KubeObject): number => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return [...pods].sort((a, b) => {
    const an = !!a.spec?.nodeName;
    const bn = !!b.spec?.nodeName;
    if (an !== bn) return an ? 1 : -1;
    const ap = phaseRank[a.status?.phase ?? 'Pending'] ?? 0;
    const bp = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
    if (ap !== bp) return ap - bp;
    const ar = isPodReady(a);
    const br = isPodReady(b);
    if (ar !== br) return ar ? 1 : -1;
    const ac = deletionCost(a);
    const bc = deletionCost(b);
    if (ac !== bc) return ac - bc;
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (ar && br) {
      const at = readySince(a) ?? 0;
      const bt = readySince(b) ?? 0;
      if (at !== bt) return bt - at;
    }
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
    return created(b) - created(a);
  });
}
