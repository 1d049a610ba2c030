// The simulator's behaviour controls (documented in docs/kube-sim-behaviour.md), parsed from a pod.
import type { KubeObject } from '../store/store.types';

export const Annotations = {
  readyAfter: 'sim.cutover.dev/ready-after',
  initDuration: 'sim.cutover.dev/init-duration',
  initFail: 'sim.cutover.dev/init-fail',
  exitAfter: 'sim.cutover.dev/exit-after',
} as const;

export const Timing = {
  sandboxMs: 200,
  pullMs: 300,
  defaultInitMs: 700,
  defaultReadyAfterMs: 1000,
  defaultJobRunMs: 1000,
  defaultBrokenExitMs: 500,
  stopMs: 300,
  removeAfterStopMs: 150,
  backoffBaseMs: 10_000,
  backoffCapMs: 300_000,
} as const;

/** "2s", "1500ms", "1m", or a bare number of milliseconds. */
export function parseDuration(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 's': return n * 1000;
    case 'm': return n * 60_000;
    case 'h': return n * 3_600_000;
    default: return n;
  }
}

export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : 'latest';
}

export interface PodBehaviour {
  readyAfterMs: number;
  initMs: number;
  initFail?: string;
  exitAfterMs?: number;
}

export function podBehaviour(pod: KubeObject): PodBehaviour {
  const a = pod.metadata.annotations ?? {};
  return {
    readyAfterMs: parseDuration(a[Annotations.readyAfter]) ?? Timing.defaultReadyAfterMs,
    initMs: parseDuration(a[Annotations.initDuration]) ?? Timing.defaultInitMs,
    initFail: a[Annotations.initFail],
    exitAfterMs: parseDuration(a[Annotations.exitAfter]),
  };
}

export const isUnpullable = (image: string): boolean => imageTag(image) === 'unpullable';
export const isBroken = (image: string): boolean => imageTag(image) === 'broken';
export const isFailJob = (image: string): boolean => imageTag(image) === 'fail';

/** Exponential container back-off: 10s, 20s, 40s, … capped at 5m. */
export function backoffMs(attempt: number): number {
  return Math.min(Timing.backoffBaseMs * 2 ** Math.max(0, attempt - 1), Timing.backoffCapMs);
}

/** CPU "500m" / "2" → millicores; memory "128Mi" / "1G" → bytes. */
export function parseQuantity(q: string | number | undefined, cpu: boolean): number {
  if (q === undefined || q === null) return 0;
  const s = String(q).trim();
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(s);
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  if (cpu) return unit === 'm' ? n : n * 1000;
  const mult: Record<string, number> = {
    '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, m: 1e-3,
  };
  return n * (mult[unit] ?? 1);
}

export interface Requests {
  cpu: number;
  memory: number;
}

/** Effective pod requests: max(sum of app containers, largest init container), as the scheduler computes them. */
export function podRequests(pod: KubeObject): Requests {
  const req = (c: any): Requests => ({
    cpu: parseQuantity(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu, true),
    memory: parseQuantity(c.resources?.requests?.memory ?? c.resources?.limits?.memory, false),
  });
  const apps = (pod.spec?.containers ?? []).map(req).reduce((a: Requests, b: Requests) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
  for (const c of pod.spec?.initContainers ?? []) {
    const r = req(c);
    apps.cpu = Math.max(apps.cpu, r.cpu);
    apps.memory = Math.max(apps.memory, r.memory);
  }
  return apps;
}

export function qosClass(pod: KubeObject): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const cs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const any = cs.some((c: any) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = cs.every((c: any) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? l;
    return l.cpu !== undefined && l.memory !== undefined && String(r.cpu ?? l.cpu) === String(l.cpu) && String(r.memory ?? l.memory) === String(l.memory);
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
