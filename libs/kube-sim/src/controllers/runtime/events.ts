import type { KubeObject, ObjectStore } from '../../store/store.types';
import { R } from './resources';
import type { SimClock } from './sim-clock';

export type EventType = 'Normal' | 'Warning';

/** Writes core/v1 Events the way client-go's event recorder does (one per occurrence, count 1). */
export class EventRecorder {
  private seq = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
  ) {}

  record(obj: KubeObject, type: EventType, reason: string, message: string, component: string, opts: { host?: string; fieldPath?: string } = {}): void {
    const ns = obj.metadata.namespace ?? 'default';
    const now = this.clock.timestamp();
    const suffix = (Date.now() * 1000 + (this.seq++ % 1000)).toString(16).padStart(16, '0').slice(-16);
    try {
      this.store.create(R.events, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${obj.metadata.name}.${suffix}`, namespace: ns },
        involvedObject: {
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
          uid: obj.metadata.uid,
          apiVersion: obj.apiVersion,
          resourceVersion: obj.metadata.resourceVersion,
          ...(opts.fieldPath ? { fieldPath: opts.fieldPath } : {}),
        },
        reason,
        message,
        source: { component, ...(opts.host ? { host: opts.host } : {}) },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: opts.host ?? '',
      });
    } catch {
      // Events are best effort, as in Kubernetes (the namespace may be terminating).
    }
  }
}
