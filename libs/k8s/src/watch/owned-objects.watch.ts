// Watches of the objects Cutover owns in one namespace of one cluster (label managed-by=cutover): a cache the
// worker observes from (no request per tick) and the source of wake-ups. Each kind runs a ListWatch that relists
// on 410 Gone; one that errors is restarted after a back-off, and one that stays quiet too long is replaced.
import { ListWatch, Watch, type KubernetesObject, type KubernetesListObject } from '@kubernetes/client-node';
import { LABELS } from '@cutover/domain';
import type { KubeClient } from '../gateway/kube-client';
import type { KubeObject } from '../manifests/manifest.types';
import type { OwnedObjects } from '../observe/observation.mapper';
import { trimForCache } from './cached-object.mapper';

export type WatchedKind = keyof OwnedObjects;

export const WATCHED: Record<WatchedKind, { apiVersion: string; kind: string; plural: string }> = {
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  pods: { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
  services: { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  jobs: { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' },
  ingresses: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses' },
  httproutes: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', plural: 'httproutes' },
};

const kinds = Object.keys(WATCHED) as WatchedKind[];

export interface WatchOptions {
  /** Replace a watch that saw nothing for this long (default 5 min). */
  quietMs?: number;
  /** Back-off before restarting a failed watch (default 1 s, doubling to 30 s). */
  retryMs?: number;
  /** Called for every change (and relisted object): the worker wakes that environment's deployment. */
  onChange?: (kind: WatchedKind, obj: KubeObject) => void;
  onError?: (kind: WatchedKind, error: unknown) => void;
  /**
   * Called after every list of a kind (the first, and each relist after an error, a 410 Gone or a quiet period):
   * changes made while nobody watched produced no event, so whoever waits on this namespace must look again.
   */
  onRelist?: (kind: WatchedKind) => void;
  /**
   * Keep only what ticks read of each object (cached-object.mapper.ts; default true). false keeps whole objects: the
   * baseline bench:hold compares against.
   */
  trim?: boolean;
}

/** A Watch whose events carry what the cache keeps: client-node's ListWatch stores them as given. */
class TrimmingWatch extends Watch {
  constructor(
    client: KubeClient,
    private readonly shape: (o: KubeObject) => KubeObject,
  ) {
    super(client.kubeConfig);
  }

  override watch(...[path, query, callback, done]: Parameters<Watch['watch']>): Promise<AbortController> {
    return super.watch(path, query, (phase, obj, raw) => callback(phase, phase === 'ERROR' || phase === 'BOOKMARK' ? obj : this.shape(obj as KubeObject), raw), done);
  }
}

function apiPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The index key of an object: the app and environment it belongs to (from Cutover's labels). */
function ownerKey(o: KubeObject): string {
  const labels = o.metadata.labels ?? {};
  return `${labels[LABELS.name] ?? ''}/${labels[LABELS.environment] ?? ''}`;
}

function rv(o: KubeObject): number {
  const n = Number(o.metadata.resourceVersion);
  return Number.isFinite(n) ? n : -1;
}

class KindWatch {
  private lw: ListWatch<KubernetesObject> | null = null;
  private readonly objects = new Map<string, KubeObject>();
  // By app and environment: a tick observes one app, and scanning a namespace of hundreds of apps for it on every
  // tick was the worker's largest own cost in bench:rollouts.
  private readonly byOwner = new Map<string, Map<string, KubeObject>>();
  private lastEventAt = Date.now();
  private failures = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private quietTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Since when this watch has not listed successfully, and its latest error (null while healthy). */
  failure: { error: unknown; since: number } | null = null;
  private syncedResolve!: () => void;
  readonly synced: Promise<void> = new Promise((resolve) => (this.syncedResolve = resolve));
  restarts = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly kind: WatchedKind,
    private readonly options: WatchOptions,
  ) {}

  /** The object as the cache keeps it (apiVersion and kind set: list items come without them). */
  shape(o: KubeObject): KubeObject {
    const def = WATCHED[this.kind];
    return this.options.trim === false ? { ...o, apiVersion: def.apiVersion, kind: def.kind } : trimForCache(this.kind, o, def);
  }

  start(): void {
    const def = WATCHED[this.kind];
    const path = `${apiPath(def.apiVersion)}/namespaces/${this.namespace}/${def.plural}`;
    const selector = `${LABELS.managedBy}=cutover`;
    const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const list = await this.client.list(def.apiVersion, def.kind, this.namespace, selector);
      const items = list.items.map((o) => this.shape(o));
      this.replaceAll(items);
      this.failure = null;
      this.options.onRelist?.(this.kind);
      return { apiVersion: 'v1', kind: 'List', items: items as KubernetesObject[], metadata: { resourceVersion: list.resourceVersion } };
    };
    const watch = this.options.trim === false ? new Watch(this.client.kubeConfig) : new TrimmingWatch(this.client, (o) => this.shape(o));
    const lw = new ListWatch<KubernetesObject>(path, watch, listFn, false, selector);
    const seen = (o: KubernetesObject) => {
      if (this.lw !== lw) return;
      this.lastEventAt = Date.now();
      this.failures = 0;
      this.upsert(o as KubeObject);
    };
    lw.on('add', seen);
    lw.on('update', seen);
    lw.on('delete', (o) => {
      if (this.lw !== lw) return;
      this.lastEventAt = Date.now();
      const obj = o as KubeObject;
      this.forget(obj.metadata.name);
      this.options.onChange?.(this.kind, obj);
    });
    lw.on('connect', () => {
      this.client.total += 1;
    });
    lw.on('error', (error) => {
      if (this.lw !== lw) return;
      this.failure = { error, since: this.failure?.since ?? Date.now() };
      this.options.onError?.(this.kind, error);
      this.scheduleRestart();
    });
    this.lw = lw;
    this.lastEventAt = Date.now();
    lw.start().then(
      () => this.syncedResolve(),
      (error: unknown) => {
        this.failure = { error, since: this.failure?.since ?? Date.now() };
        this.options.onError?.(this.kind, error);
        this.scheduleRestart();
      },
    );
    this.armQuietTimer();
  }

  private armQuietTimer(): void {
    const quietMs = this.options.quietMs ?? 300_000;
    if (this.quietTimer) clearInterval(this.quietTimer);
    this.quietTimer = setInterval(() => {
      if (Date.now() - this.lastEventAt >= quietMs) this.restart();
    }, Math.max(50, Math.min(quietMs / 2, 30_000)));
    this.quietTimer.unref();
  }

  private scheduleRestart(): void {
    if (this.stopped || this.restartTimer) return;
    const base = this.options.retryMs ?? 1_000;
    const delay = Math.min(30_000, base * 2 ** this.failures);
    this.failures += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.restart();
    }, delay);
    this.restartTimer.unref();
  }

  /** A fresh list and watch, dropping the old one (a quiet watch may be silently dead). */
  restart(): void {
    if (this.stopped) return;
    const old = this.lw;
    this.lw = null;
    void old?.stop();
    this.restarts += 1;
    this.start();
  }

  private replaceAll(items: KubeObject[]): void {
    const names = new Set(items.map((o) => o.metadata.name));
    for (const [name, o] of this.objects) {
      if (!names.has(name)) {
        this.forget(name);
        this.options.onChange?.(this.kind, o);
      }
    }
    for (const o of items) this.upsert(o);
  }

  /** Newest wins: a write's answer and a watch event can arrive in either order. */
  upsert(o: KubeObject, notify = true): void {
    const current = this.objects.get(o.metadata.name);
    if (current && rv(current) > rv(o) && rv(o) >= 0) return;
    if (current && current.metadata.resourceVersion === o.metadata.resourceVersion) return;
    if (current) this.forget(current.metadata.name);
    this.objects.set(o.metadata.name, o);
    const key = ownerKey(o);
    let bucket = this.byOwner.get(key);
    if (!bucket) {
      bucket = new Map();
      this.byOwner.set(key, bucket);
    }
    bucket.set(o.metadata.name, o);
    if (notify) this.options.onChange?.(this.kind, o);
  }

  private forget(name: string): void {
    const current = this.objects.get(name);
    if (!current) return;
    this.objects.delete(name);
    const key = ownerKey(current);
    const bucket = this.byOwner.get(key);
    bucket?.delete(name);
    if (bucket?.size === 0) this.byOwner.delete(key);
  }

  /** The objects of one app in one environment. */
  listOf(app: string, environment: string): KubeObject[] {
    return [...(this.byOwner.get(`${app}/${environment}`)?.values() ?? [])];
  }

  get(name: string): KubeObject | undefined {
    return this.objects.get(name);
  }

  get size(): number {
    return this.objects.size;
  }

  list(): KubeObject[] {
    return [...this.objects.values()];
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.quietTimer) clearInterval(this.quietTimer);
    const lw = this.lw;
    this.lw = null;
    void lw?.stop();
  }
}

/** All owned kinds in one namespace. `synced` resolves once each kind listed once. */
export class OwnedObjectsWatch {
  private readonly watches: Record<WatchedKind, KindWatch>;
  readonly synced: Promise<void>;

  constructor(client: KubeClient, readonly namespace: string, options: WatchOptions = {}) {
    this.watches = Object.fromEntries(kinds.map((k) => [k, new KindWatch(client, namespace, k, options)])) as Record<WatchedKind, KindWatch>;
    for (const k of kinds) this.watches[k].start();
    this.synced = Promise.all(kinds.map((k) => this.watches[k].synced)).then(() => undefined);
  }

  get(kind: WatchedKind, name: string): KubeObject | undefined {
    return this.watches[kind].get(name);
  }

  /** Records the answer of our own write, so the next tick does not act on a cache older than it. */
  remember(kind: WatchedKind, o: KubeObject): void {
    // No wake-up for our own write: its watch event follows and wakes the deployment then.
    this.watches[kind].upsert(this.watches[kind].shape(o), false);
  }

  snapshot(): OwnedObjects {
    return Object.fromEntries(kinds.map((k) => [k, this.watches[k].list()])) as unknown as OwnedObjects;
  }

  /** What Cutover owns for one app in one environment (what a tick observes), without scanning the namespace. */
  snapshotOf(app: string, environment: string): OwnedObjects {
    return Object.fromEntries(kinds.map((k) => [k, this.watches[k].listOf(app, environment)])) as unknown as OwnedObjects;
  }

  /** Objects cached per kind (the worker's cutover_watch_cache_objects). */
  counts(): Record<WatchedKind, number> {
    return Object.fromEntries(kinds.map((k) => [k, this.watches[k].size])) as Record<WatchedKind, number>;
  }

  /** Restart every watch now (tests: simulate a broken connection; operators: after a cluster incident). */
  restartAll(): void {
    for (const k of kinds) this.watches[k].restart();
  }

  /** Kinds whose watch has not listed since an error, with that error and since when. */
  failures(): Array<{ kind: WatchedKind; error: unknown; since: number }> {
    return kinds.flatMap((k) => {
      const f = this.watches[k].failure;
      return f ? [{ kind: k, ...f }] : [];
    });
  }

  get restarts(): number {
    return kinds.reduce((n, k) => n + this.watches[k].restarts, 0);
  }

  stop(): void {
    for (const k of kinds) this.watches[k].stop();
  }
}
