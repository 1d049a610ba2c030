// The Endpoints controller: one Endpoints object per selector Service; pods with an IP are listed, ready ones in
// addresses and the rest in notReadyAddresses; a pod being deleted is dropped at once; a pod without the named
// targetPort is left out.
import type { KubeObject, StoreEvent } from '../../store/store.types';
import type { ControllerContext } from '../runtime/controller-context';
import { keyOf, mapSelectorMatches, R, sameResource, splitKey } from '../runtime/resources';
import { stableStringify } from '../deployment/deployment.rules';
import type { WorkQueue } from '../runtime/work-queue';
import { ipCompare, isPodReadyCond, isTerminal, resolvePorts, type ResolvedPort } from './endpoint-ports';

export const TriggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';

export class EndpointsController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.queue('endpoints', (key) => this.sync(key));
    ctx.on((ev) => this.onEvent(ev));
    for (const s of ctx.services.list()) this.queue.add(keyOf(s));
  }

  private onEvent(ev: StoreEvent): void {
    if (sameResource(ev.resource, R.services)) this.queue.add(keyOf(ev.object));
    else if (sameResource(ev.resource, R.pods)) enqueueServicesForPod(this.ctx, this.queue, ev);
    else if (sameResource(ev.resource, R.endpoints) && ev.type === 'DELETED') this.queue.add(keyOf(ev.object));
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.ctx.services.get(ns, name);
    if (!svc) {
      this.ctx.store.delete(R.endpoints, ns, name);
      return;
    }
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) return;
    const groups = new Map<string, { ports: ResolvedPort[]; ready: any[]; notReady: any[] }>();
    for (const pod of podsOf(this.ctx, svc)) {
      if (!pod.status?.podIP || pod.metadata.deletionTimestamp || isTerminal(pod)) continue;
      const { ports, missing } = resolvePorts(svc, pod);
      if (missing && ports.length === 0) continue;
      const gk = stableStringify(ports);
      let g = groups.get(gk);
      if (!g) groups.set(gk, (g = { ports, ready: [], notReady: [] }));
      const addr = {
        ip: pod.status.podIP,
        ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      };
      const publish = svc.spec.publishNotReadyAddresses === true;
      (isPodReadyCond(pod) || publish ? g.ready : g.notReady).push(addr);
    }
    const byIp = (a: any, b: any): number => ipCompare(a.ip, b.ip) || (a.targetRef.uid < b.targetRef.uid ? -1 : 1);
    const subsets = [...groups.values()].map((g) => ({
      ...(g.ready.length ? { addresses: g.ready.sort(byIp) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
      ports: g.ports,
    }));
    const current = this.ctx.store.get(R.endpoints, ns, name);
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (current) {
      const sameSubsets = stableStringify(current.subsets ?? []) === stableStringify(subsets);
      if (sameSubsets && stableStringify(current.metadata.labels ?? {}) === stableStringify(labels)) return;
      this.ctx.store.mutate(R.endpoints, ns, name, (o) => {
        if (subsets.length) o.subsets = subsets;
        else delete o.subsets;
        if (Object.keys(labels).length) o.metadata.labels = labels;
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [TriggerTimeAnnotation]: this.ctx.clock.timestamp() };
      });
      return;
    }
    this.ctx.store.create(R.endpoints, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name,
        namespace: ns,
        ...(Object.keys(labels).length ? { labels } : {}),
        annotations: { [TriggerTimeAnnotation]: this.ctx.clock.timestamp() },
      },
      ...(subsets.length ? { subsets } : {}),
    });
  }
}

/** Enqueue every Service in the pod's namespace whose selector matches the pod now or before this change. */
export function enqueueServicesForPod(ctx: ControllerContext, queue: WorkQueue, ev: StoreEvent): void {
  const ns = ev.object.metadata.namespace;
  for (const svc of ctx.services.list(ns)) {
    const sel = svc.spec?.selector;
    if (mapSelectorMatches(sel, ev.object.metadata.labels) || (ev.oldObject && mapSelectorMatches(sel, ev.oldObject.metadata.labels))) {
      queue.add(keyOf(svc));
    }
  }
}

export function podsOf(ctx: ControllerContext, svc: KubeObject): KubeObject[] {
  return ctx.pods.withLabels(svc.metadata.namespace, svc.spec?.selector ?? {});
}
