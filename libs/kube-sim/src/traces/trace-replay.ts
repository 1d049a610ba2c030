// Replays a golden trace's steps against a running simulator and records the watch events it produces.
// Each step waits until the simulator reached the state the real cluster was in when the step was taken,
// so the replay does not depend on wall-clock timing.
import { deploymentState, endpointSliceState, endpointsState, projectEvents, replicaSetState, type Trace, type TraceEvent } from './trace-format';
import type { WatchedEvent } from './kube-http';
import { podState } from './pod-lifecycle';

export interface ReplayClient {
  create(obj: any): Promise<unknown>;
  patch(resource: string, ns: string, name: string, patch: unknown, type: 'strategic' | 'json'): Promise<unknown>;
  watch(resource: string, ns: string, sink: WatchedEvent[], onEvent?: () => void): Promise<void>;
  close(): void;
}

export interface ReplayResult {
  events: WatchedEvent[];
  trace: Map<string, string[]>;
  sim: Map<string, string[]>;
}

class EventLog {
  readonly events: WatchedEvent[] = [];
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];

  notify = (): void => {
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred()) return true;
      w.resolve();
      return false;
    });
  };

  waitFor(pred: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ pred, resolve: () => { clearTimeout(t); resolve(); } });
    });
  }

  latest(resource: string, name?: string): any {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.resource === resource && (!name || e.object.metadata.name === name)) return e.type === 'DELETED' ? undefined : e.object;
    }
    return undefined;
  }

  /** Replica sets by creation order (ordinal 1, 2, …) with their latest state. */
  replicaSets(): any[] {
    const order: string[] = [];
    const last = new Map<string, any>();
    for (const e of this.events) {
      if (e.resource !== 'replicasets') continue;
      if (!order.includes(e.object.metadata.name)) order.push(e.object.metadata.name);
      last.set(e.object.metadata.name, e.type === 'DELETED' ? undefined : e.object);
    }
    return order.map((n) => last.get(n));
  }

  livePods(): number {
    return this.livePodStates().length;
  }

  livePodStates(): string[] {
    const live = new Map<string, string | undefined>();
    for (const e of this.events) if (e.resource === 'pods') live.set(e.object.metadata.uid, e.type === 'DELETED' ? undefined : podState(e.object));
    return [...live.values()].filter((s): s is string => s !== undefined).sort();
  }
}

function traceStateBefore(events: TraceEvent[], ms: number, resource: string): any {
  let last: any;
  for (const e of events) if (e.ms < ms && e.resource === resource && e.type !== 'DELETED') last = e.object;
  return last;
}

function traceReplicaSetsAt(events: TraceEvent[], ms: number): any[] {
  const order: string[] = [];
  const last = new Map<string, any>();
  for (const e of events) {
    if (e.ms >= ms || e.resource !== 'replicasets') continue;
    if (!order.includes(e.object.metadata.name)) order.push(e.object.metadata.name);
    last.set(e.object.metadata.name, e.type === 'DELETED' ? undefined : e.object);
  }
  return order.map((n) => last.get(n));
}

function traceLivePodStatesAt(events: TraceEvent[], ms: number): string[] {
  const live = new Map<string, string | undefined>();
  for (const e of events) if (e.ms < ms && e.resource === 'pods') live.set(e.object.metadata.uid, e.type === 'DELETED' ? undefined : podState(e.object));
  return [...live.values()].filter((s): s is string => s !== undefined).sort();
}

export async function replayTrace(trace: Trace, client: ReplayClient, opts: { timeoutMs: number; timeScale: number }): Promise<ReplayResult> {
  const log = new EventLog();
  const start = Date.now();
  const ns = trace.namespace;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const resources = [...new Set(trace.events.map((e) => e.resource))];
  for (const r of resources) await client.watch(r, ns, log.events, log.notify);

  /** The simulator reached the trace's state at `ms`: same Deployment state, replica sets and live pod count. */
  const reached = async (ms: number, what: string, exactPods = false): Promise<void> => {
    const dep = traceStateBefore(trace.events, ms, 'deployments');
    const rss = traceReplicaSetsAt(trace.events, ms).map((r) => (r ? replicaSetState(r) : 'gone'));
    const podStates = traceLivePodStatesAt(trace.events, ms);
    const pods = podStates.length;
    // Each watch is its own stream: wait for every watched resource to reach its recorded state, not just one.
    const ep = traceStateBefore(trace.events, ms, 'endpoints');
    const slice = traceStateBefore(trace.events, ms, 'endpointslices');
    await log.waitFor(() => {
      if (ep && endpointsState(log.latest('endpoints') ?? {}) !== endpointsState(ep)) return false;
      if (slice && endpointSliceState(log.latest('endpointslices') ?? {}) !== endpointSliceState(slice)) return false;
      const d = log.latest('deployments');
      if (dep && (!d || deploymentState(d) !== deploymentState(dep))) return false;
      const simRss = log.replicaSets().map((r) => (r ? replicaSetState(r) : 'gone'));
      if (simRss.join(',') !== rss.join(',')) return false;
      // At the end every pod must also have settled in its recorded state (its own watch stream may lag).
      return exactPods ? log.livePodStates().join('\n') === podStates.join('\n') : log.livePods() === pods;
    }, `${trace.name}: state before "${what}" (deployment ${dep ? deploymentState(dep) : '-'}, replica sets ${rss.join(', ')}, ${pods} pods)`, opts.timeoutMs);
  };

  for (const step of trace.steps) {
    if (!step.manifest && !step.patch && !step.fromReplicaSet) continue;
    await reached(step.ms, step.marker);
    // Keep the recorded schedule too (scaled): what a pod is doing when a step lands (e.g. which half of an image
    // pull back-off cycle) depends on when it lands, not only on the state that preceded it.
    const due = start + step.ms / opts.timeScale - Date.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    if (step.manifest) {
      await client.create({ ...step.manifest, metadata: { ...step.manifest.metadata, namespace: ns } });
    } else if (step.patch) {
      await client.patch('deployments', ns, 'web', step.patch, 'strategic');
    } else if (step.fromReplicaSet) {
      // kubectl rollout undo: the Deployment's template becomes the old ReplicaSet's, without pod-template-hash.
      const traceOrdinal = traceReplicaSetsAt(trace.events, Infinity).findIndex((r) => r?.metadata.name === step.fromReplicaSet);
      const rs = log.replicaSets()[traceOrdinal];
      if (!rs) throw new Error(`no replica set #${traceOrdinal + 1} to roll back to`);
      const template = structuredClone(rs.spec.template);
      delete template.metadata.labels['pod-template-hash'];
      await client.patch('deployments', ns, 'web', [{ op: 'replace', path: '/spec/template', value: template }], 'json');
    }
  }
  const end = trace.steps[trace.steps.length - 1]!.ms + 1;
  await reached(end, 'the end of the trace', true);
  client.close();
  return {
    events: log.events,
    trace: projectEvents(trace.events),
    sim: projectEvents(log.events),
  };
}
