// The EndpointSlice controller: slices `<service>-<5 chars>` owned by the Service, one per distinct port set;
// a terminating pod stays (ready=false, serving=its Ready condition, terminating=true) until its phase is terminal.
import type { KubeObject, StoreEvent } from '../../store/store.types';
import type { ControllerContext } from '../runtime/controller-context';
import { controllerRef, keyOf, R, randomSuffix, sameResource, splitKey } from '../runtime/resources';
import { stableStringify } from '../deployment/deployment.rules';
import type { WorkQueue } from '../runtime/work-queue';
import { isPodReadyCond, isTerminal, resolvePorts, type ResolvedPort } from './endpoint-ports';
import { enqueueServicesForPod, podsOf, TriggerTimeAnnotation } from './endpoints.controller';

const ManagedBy = 'endpointslice.kubernetes.io/managed-by';
const ServiceName = 'kubernetes.io/service-name';
const Controller = 'endpointslice-controller.k8s.io';

export class EndpointSliceController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.queue('endpointslice', (key) => this.sync(key));
    ctx.on((ev) => this.onEvent(ev));
    for (const s of ctx.services.list()) this.queue.add(keyOf(s));
  }

  private onEvent(ev: StoreEvent): void {
    if (sameResource(ev.resource, R.services)) this.queue.add(keyOf(ev.object));
    else if (sameResource(ev.resource, R.pods)) enqueueServicesForPod(this.ctx, this.queue, ev);
  }

  private slicesOf(ns: string | undefined, svcName: string): KubeObject[] {
    return this.ctx.store.list(R.endpointslices, { namespace: ns, labelSelector: `${ServiceName}=${svcName},${ManagedBy}=${Controller}` });
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.ctx.services.get(ns, name);
    if (!svc || !svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) return;
    const zones = new Map(this.ctx.nodes.list().map((n) => [n.metadata.name, n.metadata.labels?.['topology.kubernetes.io/zone']]));
    // Desired endpoints grouped by their resolved port set.
    const desired = new Map<string, { ports: ResolvedPort[]; endpoints: Map<string, any> }>();
    for (const pod of podsOf(this.ctx, svc)) {
      if (!pod.status?.podIP || isTerminal(pod)) continue;
      const { ports } = resolvePorts(svc, pod);
      const sliceports = ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), protocol: p.protocol, port: p.port }));
      const gk = stableStringify(sliceports);
      let g = desired.get(gk);
      if (!g) desired.set(gk, (g = { ports: sliceports, endpoints: new Map() }));
      const ready = isPodReadyCond(pod);
      const terminating = !!pod.metadata.deletionTimestamp;
      const zone = pod.spec?.nodeName ? zones.get(pod.spec.nodeName) : undefined;
      g.endpoints.set(pod.metadata.uid!, {
        addresses: [pod.status.podIP],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
        ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
        ...(zone ? { zone } : {}),
      });
    }
    const existing = this.slicesOf(ns, name);
    const used = new Set<string>();
    for (const [gk, g] of desired) {
      const slice = existing.find((s) => !used.has(s.metadata.name) && stableStringify(s.ports ?? []) === gk)
        ?? existing.find((s) => !used.has(s.metadata.name) && ((s.endpoints as unknown[] | null) ?? []).length === 0 && !desiredHasPorts(desired, s));
      if (slice) {
        used.add(slice.metadata.name);
        this.updateSlice(slice, g.ports, g.endpoints);
      } else {
        this.createSlice(svc, g.ports, g.endpoints);
      }
    }
    for (const s of existing) {
      if (used.has(s.metadata.name)) continue;
      // Keep one (empty) slice per service, as Kubernetes does; drop the others.
      if (used.size === 0 && desired.size === 0 && s === existing[0]) {
        this.updateSlice(s, null, new Map());
        continue;
      }
      this.ctx.store.delete(R.endpointslices, s.metadata.namespace, s.metadata.name);
    }
    if (existing.length === 0 && desired.size === 0) this.createSlice(svc, null, new Map());
  }

  /** Keep existing endpoints in place (the API's order), append new ones. */
  private updateSlice(slice: KubeObject, ports: any[] | null, eps: Map<string, any>): void {
    const next: any[] = [];
    for (const e of (slice.endpoints as any[] | null) ?? []) {
      const d = eps.get(e.targetRef?.uid);
      if (d) {
        next.push(d);
        eps.delete(e.targetRef.uid);
      }
    }
    next.push(...eps.values());
    const endpoints = next.length ? next : null;
    const wantPorts = ports && ports.length ? ports : null;
    if (stableStringify(slice.endpoints ?? null) === stableStringify(endpoints) && stableStringify(slice.ports ?? null) === stableStringify(wantPorts)) return;
    this.ctx.store.mutate(R.endpointslices, slice.metadata.namespace, slice.metadata.name, (o) => {
      o.endpoints = endpoints;
      o.ports = wantPorts;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [TriggerTimeAnnotation]: this.ctx.clock.timestamp() };
    });
  }

  private createSlice(svc: KubeObject, ports: any[] | null, eps: Map<string, any>): void {
    const endpoints = [...eps.values()];
    const prefix = `${svc.metadata.name}-`;
    this.ctx.store.create(R.endpointslices, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: prefix + randomSuffix(),
        generateName: prefix,
        namespace: svc.metadata.namespace,
        labels: { ...(svc.metadata.labels ?? {}), [ManagedBy]: Controller, [ServiceName]: svc.metadata.name },
        annotations: { [TriggerTimeAnnotation]: this.ctx.clock.timestamp() },
        ownerReferences: [controllerRef(svc)],
      },
      addressType: 'IPv4',
      endpoints: endpoints.length ? endpoints : null,
      ports: ports && ports.length ? ports : null,
    });
  }
}

function desiredHasPorts(desired: Map<string, unknown>, s: KubeObject): boolean {
  return desired.has(stableStringify(s.ports ?? []));
}
