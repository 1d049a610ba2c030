import type { ObjectStore, StoreEvent } from '../../store/store.types';
import { EventRecorder } from './events';
import { Informer } from './informer';
import { R } from './resources';
import { SimClock } from './sim-clock';
import { TimerQueue } from './timer-queue';
import { WorkQueue } from './work-queue';

/** Shared by every controller and the kubelet: one store subscription, one set of caches, one clock, one timer heap. */
export class ControllerContext {
  readonly clock: SimClock;
  readonly timers: TimerQueue;
  readonly recorder: EventRecorder;
  readonly pods: Informer;
  readonly replicasets: Informer;
  readonly deployments: Informer;
  readonly services: Informer;
  readonly jobs: Informer;
  readonly nodes: Informer;
  /** Images this cluster's registry does not have: pulls fail as for `:unpullable` (a regional mirror lacking one). */
  readonly missingImages: Set<string>;
  private readonly informers: Informer[];
  private readonly handlers: ((ev: StoreEvent) => void)[] = [];
  private readonly queues: WorkQueue[] = [];
  private readonly unsubscribe: () => void;

  constructor(readonly store: ObjectStore, timeScale: number, missingImages: Set<string> = new Set()) {
    this.missingImages = missingImages;
    this.clock = new SimClock(timeScale);
    this.timers = new TimerQueue(this.clock);
    this.recorder = new EventRecorder(store, this.clock);
    this.pods = new Informer(R.pods, store);
    this.replicasets = new Informer(R.replicasets, store);
    this.deployments = new Informer(R.deployments, store);
    this.services = new Informer(R.services, store);
    this.jobs = new Informer(R.jobs, store);
    this.nodes = new Informer(R.nodes, store);
    this.informers = [this.pods, this.replicasets, this.deployments, this.services, this.jobs, this.nodes];
    this.unsubscribe = store.subscribe((ev) => this.dispatch(ev));
    this.timers.gate = () => !this.busy();
  }

  queue(name: string, sync: (key: string) => void): WorkQueue {
    const q = new WorkQueue(name, sync, this.timers);
    q.onIdle = () => {
      if (!this.busy()) this.timers.kick();
    };
    this.queues.push(q);
    return q;
  }

  /** Some controller has queued work it has not synced yet. */
  busy(): boolean {
    return this.queues.some((q) => q.busy);
  }

  on(handler: (ev: StoreEvent) => void): void {
    this.handlers.push(handler);
  }

  stop(): void {
    this.unsubscribe();
    for (const q of this.queues) q.stop();
    this.timers.stop();
  }

  private dispatch(ev: StoreEvent): void {
    for (const inf of this.informers) if (inf.handles(ev)) inf.apply(ev);
    for (const h of this.handlers) {
      try {
        h(ev);
      } catch (err) {
        console.error('[kube-sim] event handler failed', err);
      }
    }
  }
}
