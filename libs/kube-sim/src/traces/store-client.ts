// An in-process ReplayClient over the store itself (no HTTP): for property tests and quick replays.
import type { KubeObject, ObjectStore, ResourceKey } from '../store/store.types';
import { applyJsonPatch } from '../server/patch/json-patch';
import { applyStrategicMergePatch } from '../server/patch/strategic-merge-patch';
import { R } from '../controllers/runtime/resources';
import type { WatchedEvent } from './kube-http';
import type { ReplayClient } from './trace-replay';

const byPlural: Record<string, ResourceKey> = { ...R };
const byKind: Record<string, ResourceKey> = { Namespace: R.namespaces, Deployment: R.deployments, Service: R.services, Job: R.jobs, Pod: R.pods };

export class StoreClient implements ReplayClient {
  private readonly unsubs: (() => void)[] = [];

  constructor(private readonly store: ObjectStore) {}

  async create(obj: any): Promise<unknown> {
    return this.store.create(byKind[obj.kind]!, obj);
  }

  async patch(resource: string, ns: string, name: string, patch: unknown, type: 'strategic' | 'json'): Promise<unknown> {
    const key = byPlural[resource]!;
    const cur = this.store.get(key, ns, name);
    if (!cur) throw new Error(`${resource} ${ns}/${name} not found`);
    const next = (type === 'json' ? applyJsonPatch(cur, patch) : applyStrategicMergePatch(cur, patch)) as KubeObject;
    return this.store.update(key, next);
  }

  async watch(resource: string, ns: string, sink: WatchedEvent[], onEvent?: () => void): Promise<void> {
    this.unsubs.push(
      this.store.subscribe((e) => {
        if (e.resource.resource !== resource || e.object.metadata.namespace !== ns) return;
        sink.push({ resource, type: e.type, object: e.object, at: Date.now() });
        onEvent?.();
      }),
    );
  }

  close(): void {
    for (const u of this.unsubs) u();
  }
}
