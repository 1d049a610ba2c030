// In-process simulated cluster for controller and kubelet tests: the real store and controllers, no HTTP.
import { MemoryStore } from '../../store/memory-store';
import type { KubeObject, ResourceKey } from '../../store/store.types';
import { startControllers, type ControllerManager } from '../index';
import { R } from '../runtime/resources';

export interface Harness {
  store: MemoryStore;
  manager: ControllerManager;
  ns: string;
  /** Resolves when pred() holds after some store change (or now); rejects after timeoutMs of wall time. */
  waitFor<T>(pred: () => T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  get(resource: ResourceKey, name: string): KubeObject | undefined;
  list(resource: ResourceKey): KubeObject[];
  events(involvedName?: string): KubeObject[];
  stop(): void;
}

export function startHarness(opts: { nodes?: number; timeScale?: number; ns?: string; missingImages?: Set<string> } = {}): Harness {
  const store = new MemoryStore();
  const manager = startControllers(store, { nodes: opts.nodes ?? 3, timeScale: opts.timeScale ?? 50, missingImages: opts.missingImages });
  const ns = opts.ns ?? 'test';
  store.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const waiters = new Set<() => void>();
  const unsub = store.subscribe(() => {
    for (const w of [...waiters]) w();
  });
  return {
    store,
    manager,
    ns,
    waitFor<T>(pred: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const v = pred();
          if (v) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(v);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    get: (resource, name) => store.get(resource, ns, name),
    list: (resource) => store.list(resource, { namespace: ns }),
    events: (involvedName) => store.list(R.events, { namespace: ns }).filter((e: any) => !involvedName || e.involvedObject.name === involvedName),
    stop: () => {
      unsub();
      manager.stop();
    },
  };
}

export function podManifest(name: string, ns: string, opts: { image?: string; init?: { name: string; image: string }[]; annotations?: Record<string, string>; requests?: Record<string, string>; restartPolicy?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: name }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
      ...(opts.init ? { initContainers: opts.init } : {}),
      containers: [{ name: 'app', image: opts.image ?? 'registry.example/app:v1', ...(opts.requests ? { resources: { requests: opts.requests } } : {}) }],
      terminationGracePeriodSeconds: 5,
    },
  };
}

export function deploymentManifest(name: string, ns: string, spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { 'sim.cutover.dev/ready-after': '1s', ...annotations } },
        spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'web', image: 'registry.example/web:v1' }] },
      },
      ...spec,
    },
  };
}

export const cond = (o: KubeObject | undefined, type: string): any => (o?.status?.conditions ?? []).find((c: any) => c.type === type);
