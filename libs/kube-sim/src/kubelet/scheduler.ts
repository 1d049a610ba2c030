// A kube-scheduler stand-in: binds a pod to the least-requested Ready node where its requests fit (cpu, memory, pod
// count), else leaves it Pending with PodScheduled=False/Unschedulable and a FailedScheduling event, and retries when
// capacity frees up.
import type { KubeObject, StoreEvent } from '../store/store.types';
import type { ControllerContext } from '../controllers/runtime/controller-context';
import { keyOf, R, sameResource, splitKey } from '../controllers/runtime/resources';
import type { WorkQueue } from '../controllers/runtime/work-queue';
import { parseQuantity, podRequests, type Requests } from './behaviour';

interface Usage {
  cpu: number;
  memory: number;
  pods: number;
}

export class Scheduler {
  private readonly queue: WorkQueue;
  /** Bound, non-terminal pods: key → node and requests (so capacity is not a scan of every pod). */
  private readonly bound = new Map<string, { node: string; req: Requests }>();
  private readonly usage = new Map<string, Usage>();
  private readonly unschedulable = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.queue('scheduler', (key) => this.schedule(key));
    for (const p of ctx.pods.list()) this.track(p);
    ctx.on((ev) => this.onEvent(ev));
  }

  private onEvent(ev: StoreEvent): void {
    if (sameResource(ev.resource, R.nodes)) {
      this.retryUnschedulable();
      return;
    }
    if (!sameResource(ev.resource, R.pods)) return;
    const key = keyOf(ev.object);
    const freed = this.untrack(key, ev.type === 'DELETED' ? undefined : ev.object);
    if (ev.type === 'DELETED') {
      this.unschedulable.delete(key);
    } else {
      this.track(ev.object);
    }
    if (freed) this.retryUnschedulable();
  }

  private needsScheduling(p: KubeObject): boolean {
    return !p.spec?.nodeName && !p.metadata.deletionTimestamp && (p.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler';
  }

  private track(p: KubeObject): void {
    const key = keyOf(p);
    const terminal = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
    if (p.spec?.nodeName && !terminal) {
      if (!this.bound.has(key)) {
        const req = podRequests(p);
        this.bound.set(key, { node: p.spec.nodeName, req });
        const u = this.usageOf(p.spec.nodeName);
        u.cpu += req.cpu;
        u.memory += req.memory;
        u.pods += 1;
      }
    } else if (this.needsScheduling(p) && !this.unschedulable.has(key)) {
      this.queue.add(key);
    }
  }

  /** Drop a pod's usage when it is gone or terminal; returns whether capacity was freed. */
  private untrack(key: string, cur: KubeObject | undefined): boolean {
    const b = this.bound.get(key);
    if (!b) return false;
    const terminal = cur?.status?.phase === 'Succeeded' || cur?.status?.phase === 'Failed';
    if (cur && !terminal) return false;
    this.bound.delete(key);
    const u = this.usageOf(b.node);
    u.cpu -= b.req.cpu;
    u.memory -= b.req.memory;
    u.pods -= 1;
    return true;
  }

  private usageOf(node: string): Usage {
    let u = this.usage.get(node);
    if (!u) this.usage.set(node, (u = { cpu: 0, memory: 0, pods: 0 }));
    return u;
  }

  private retryUnschedulable(): void {
    for (const key of this.unschedulable) this.queue.add(key);
    this.unschedulable.clear();
  }

  private schedule(key: string): void {
    const [ns, name] = splitKey(key);
    const pod = this.ctx.pods.get(ns, name);
    if (!pod || !this.needsScheduling(pod)) return;
    const req = podRequests(pod);
    const nodes = this.ctx.nodes.list().filter((n) => !n.spec?.unschedulable && n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    const reasons = new Map<string, number>();
    let best: { node: KubeObject; score: number } | undefined;
    for (const n of nodes) {
      const alloc = n.status?.allocatable ?? {};
      const cap = { cpu: parseQuantity(alloc.cpu, true), memory: parseQuantity(alloc.memory, false), pods: Number(alloc.pods ?? 110) };
      const u = this.usageOf(n.metadata.name);
      const misfit: string[] = [];
      if (u.pods + 1 > cap.pods) misfit.push('Too many pods');
      if (u.cpu + req.cpu > cap.cpu) misfit.push('Insufficient cpu');
      if (u.memory + req.memory > cap.memory) misfit.push('Insufficient memory');
      if (misfit.length) {
        for (const r of misfit) reasons.set(r, (reasons.get(r) ?? 0) + 1);
        continue;
      }
      // LeastAllocated scoring, with pod count as the tie-breaker for best-effort pods.
      const score = (u.cpu + req.cpu) / (cap.cpu || 1) + (u.memory + req.memory) / (cap.memory || 1) + (u.pods + 1) / (cap.pods * 100);
      if (!best || score < best.score) best = { node: n, score };
    }
    if (!best) {
      this.markUnschedulable(pod, nodes.length, reasons);
      return;
    }
    this.bind(pod, best.node.metadata.name);
  }

  /** The pods/binding subresource: spec.nodeName and PodScheduled=True in one write where the store allows it. */
  private bind(pod: KubeObject, node: string): void {
    const now = this.ctx.clock.timestamp();
    const check = (o: KubeObject): void => {
      if (o.metadata.uid !== pod.metadata.uid || o.spec.nodeName) throw Object.assign(new Error('pod changed'), { code: 409 });
    };
    const setScheduled = (o: KubeObject): void => {
      const conds = (o.status?.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled');
      o.status = { ...(o.status ?? {}), conditions: [...conds, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }] };
    };
    const { store } = this.ctx;
    let bound: KubeObject | undefined;
    if (store.mutateWithStatus) {
      bound = store.mutateWithStatus(R.pods, pod.metadata.namespace, pod.metadata.name, (o) => {
        check(o);
        o.spec.nodeName = node;
        setScheduled(o);
      });
    } else {
      bound = store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name, (o) => {
        check(o);
        o.spec.nodeName = node;
      });
      if (bound) store.mutateStatus(R.pods, pod.metadata.namespace, pod.metadata.name, setScheduled);
    }
    if (!bound) return;
    this.ctx.recorder.record(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, 'default-scheduler');
  }

  private markUnschedulable(pod: KubeObject, nodeCount: number, reasons: Map<string, number>): void {
    const key = keyOf(pod);
    this.unschedulable.add(key);
    const detail = [...reasons.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => `${n} ${r}`).join(', ');
    const message = `0/${nodeCount} nodes are available: ${detail ? `${detail}. ` : ''}preemption: 0/${nodeCount} nodes are available: ${nodeCount} No preemption victims found for incoming pod.`;
    const prev = (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
    if (prev?.status === 'False' && prev.message === message) return;
    const now = this.ctx.clock.timestamp();
    this.ctx.store.mutateStatus(R.pods, pod.metadata.namespace, pod.metadata.name, (o) => {
      const conds = (o.status?.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled');
      o.status = {
        ...(o.status ?? {}),
        conditions: [...conds, { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'Unschedulable', message }],
      };
    });
    this.ctx.recorder.record(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
  }
}
