// One cluster, as the worker uses it: observe what Cutover owns (from the watch cache) and make effects true.
// Every write is an idempotent "make it so": it reads the cached object, skips when Cutover's spec hash already
// matches, and otherwise creates or replaces; a conflict re-reads and tries again.
import type { CapacityObservation, Effect, ReleaseSpec, EnsureHookJobEffect, EnsureServiceEffect, EnsureWorkloadEffect, Observation, ScaleWorkloadEffect, SetCanaryWeightEffect } from '@cutover/domain';
import { ANNOTATION_ATTEMPT } from '@cutover/domain';
import { SPEC_HASH_ANNOTATION, type AppTarget, type KubeObject, type ReleaseRef } from '../manifests/manifest.types';
import { deploymentManifest, hookJobManifest, namespaceManifest, serviceManifest, trafficManifests } from '../manifests/manifests';
import { buildObservation, capacityObservation } from '../observe/observation.mapper';
import { OwnedObjectsWatch, WATCHED, type WatchedKind, type WatchOptions } from '../watch/owned-objects.watch';
import { lostAnnotations } from '../watch/cached-object.mapper';
import { classifyClusterError } from '../credentials/cluster-errors';
import { KubeClient, NoAnswerError, statusCode, type RequestMeter } from './kube-client';

export interface EffectContext {
  /** The release the deployment deploys (labels of Services and routes). */
  release: string;
  /** Release specs by version (the deployment's, the previous one, a baseline's), loaded with the tick's input. */
  releases: ReadonlyMap<string, ReleaseSpec>;
  meter?: RequestMeter;
}

export interface ObserveOptions {
  /** Also read nodes and pods for free capacity (two lists; BlueGreen's fit check). */
  capacity?: boolean;
  meter?: RequestMeter;
  /** How long to wait for the namespace's watches to list once (default 15 s). */
  syncTimeoutMs?: number;
}

const MAX_CONFLICT_RETRIES = 3;

/** The spec of `version` as the tick loaded it: applying an effect never reads the database. */
function releaseRef(ctx: EffectContext, version: string): ReleaseRef {
  const spec = ctx.releases.get(version);
  if (!spec) throw new Error(`release ${version} was not loaded with the tick`);
  return { version, spec };
}

/**
 * How long one read of the cluster's free capacity answers every tick that asks. Reading it lists every node and pod
 * of the cluster (megabytes on a big one): 200 blue/green rollouts starting at once made 200 such lists, the largest
 * cost of the worker and the API server in bench:rollouts. The fit check is a guess anyway (pods come and go between
 * the check and the scale-up), so a second-old answer is as good as a fresh one.
 */
export const DEFAULT_CAPACITY_TTL_MS = 1_000;

function kindOf(o: KubeObject): WatchedKind | null {
  const entry = (Object.entries(WATCHED) as Array<[WatchedKind, (typeof WATCHED)[WatchedKind]]>).find(([, d]) => d.kind === o.kind && d.apiVersion === o.apiVersion);
  return entry ? entry[0] : null;
}

export class KubeGateway {
  private readonly watches = new Map<string, OwnedObjectsWatch>();
  private readonly namespaces = new Set<string>();
  /** The last capacity read: shared while in flight, then for capacityTtlMs after it answered. */
  private capacityRead: { value: Promise<CapacityObservation>; expiresAt: number } | null = null;

  constructor(
    readonly clusterId: string,
    readonly client: KubeClient,
    private readonly watchOptions: (namespace: string) => WatchOptions = () => ({}),
    private readonly capacityTtlMs = DEFAULT_CAPACITY_TTL_MS,
  ) {}

  /** Starts (once) the watches of a namespace; they feed the cache and the wake-ups. */
  watchNamespace(namespace: string): OwnedObjectsWatch {
    let w = this.watches.get(namespace);
    if (!w) {
      w = new OwnedObjectsWatch(this.client, namespace, this.watchOptions(namespace));
      this.watches.set(namespace, w);
    }
    return w;
  }

  watchedNamespaces(): string[] {
    return [...this.watches.keys()];
  }

  /** Objects the watch caches hold, per kind, over every watched namespace. */
  cachedObjects(): Record<WatchedKind, number> {
    const total = Object.fromEntries(Object.keys(WATCHED).map((k) => [k, 0])) as Record<WatchedKind, number>;
    for (const w of this.watches.values()) for (const [k, n] of Object.entries(w.counts()) as Array<[WatchedKind, number]>) total[k] += n;
    return total;
  }

  async observe(target: AppTarget, options: ObserveOptions = {}): Promise<Observation> {
    const watch = this.watchNamespace(target.namespace);
    const syncTimeoutMs = options.syncTimeoutMs ?? 15_000;
    await withTimeout(watch.synced, syncTimeoutMs, () => {
      const failed = watch.failures()[0];
      return new Error(`watches of namespace ${target.namespace} did not sync${failed ? ` (${failed.kind}: ${String(failed.error)})` : ''}`, { cause: failed?.error ?? new NoAnswerError(syncTimeoutMs) });
    });
    // A cache whose watch cannot reach the cluster is stale: say why rather than decide on it. Other watch errors
    // (a 500, a 429, a cut connection) are retried by the watch and the cache is kept meanwhile.
    for (const f of watch.failures()) {
      const trouble = classifyClusterError(f.error, this.client.server.origin);
      if (trouble) throw new Error(`watch of ${f.kind} in ${target.namespace} fails: ${trouble.reason}`, { cause: f.error });
    }
    const observation = buildObservation(target, watch.snapshotOf(target.app, target.environment));
    if (options.capacity) observation.capacity = { ...(await this.capacity(options.meter)) };
    return observation;
  }

  /** Free capacity of the cluster (two lists), read at most once per capacityTtlMs; only the reader's meter counts them. */
  capacity(meter?: RequestMeter): Promise<CapacityObservation> {
    const last = this.capacityRead;
    if (last && performance.now() < last.expiresAt) return last.value;
    const read: { value: Promise<CapacityObservation>; expiresAt: number } = {
      value: Promise.all([this.client.list('v1', 'Node', undefined, undefined, meter), this.client.list('v1', 'Pod', undefined, undefined, meter)]).then(
        ([nodes, pods]) => capacityObservation(nodes.items, pods.items),
      ),
      expiresAt: Number.POSITIVE_INFINITY,
    };
    this.capacityRead = read;
    read.value.then(
      () => (read.expiresAt = performance.now() + this.capacityTtlMs),
      // A failed read is not kept: the next tick asks again.
      () => {
        if (this.capacityRead === read) this.capacityRead = null;
      },
    );
    return read.value;
  }

  /**
   * Our own writes change what is free: the next fit check must not reuse a read taken before them (a blue/green
   * started right after another rollout scaled up would otherwise be admitted on stale numbers). Reads in flight
   * stay shared, so rollouts that start together still share one list.
   */
  private forgetCapacity(): void {
    const last = this.capacityRead;
    if (last && last.expiresAt !== Number.POSITIVE_INFINITY) this.capacityRead = null;
  }

  async ensureNamespace(namespace: string, meter?: RequestMeter): Promise<void> {
    if (this.namespaces.has(namespace)) return;
    const existing = await this.client.get('v1', 'Namespace', undefined, namespace, meter);
    if (!existing) {
      try {
        await this.client.create(namespaceManifest(namespace), meter);
      } catch (error) {
        if (statusCode(error) !== 409) throw error;
      }
    }
    this.namespaces.add(namespace);
  }

  /** Makes one effect true (runCheck and runAnalysis are not the cluster's business: the worker runs them). */
  async apply(target: AppTarget, effect: Effect, ctx: EffectContext): Promise<void> {
    switch (effect.kind) {
      case 'ensureWorkload':
        this.forgetCapacity();
        return this.ensureWorkload(target, effect, ctx);
      case 'scaleWorkload':
        this.forgetCapacity();
        return this.scaleWorkload(target, effect, ctx);
      case 'ensureService':
        return this.ensureService(target, effect, ctx);
      case 'setCanaryWeight':
        return this.setCanaryWeight(target, effect, ctx);
      case 'ensureHookJob':
        return this.ensureHookJob(target, effect, ctx);
      case 'runCheck':
      case 'runAnalysis':
        return;
    }
  }

  private cached(target: AppTarget, kind: WatchedKind, name: string): KubeObject | undefined {
    return this.watchNamespace(target.namespace).get(kind, name);
  }

  private remember(target: AppTarget, o: KubeObject): void {
    const kind = kindOf(o);
    if (kind) this.watchNamespace(target.namespace).remember(kind, o);
  }

  private async fresh(o: KubeObject, meter?: RequestMeter): Promise<KubeObject | null> {
    return this.client.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name, meter);
  }

  /**
   * Create `desired`, or replace the current object with it (keeping annotations others set). `build` recomputes
   * the desired object from the current one (e.g. to keep its update strategy).
   */
  private async upsert(target: AppTarget, build: (current?: KubeObject) => KubeObject, kind: WatchedKind, meter?: RequestMeter): Promise<void> {
    let current = this.cached(target, kind, build().metadata.name) ?? null;
    // The cache dropped long annotations others set (kubectl's last-applied-configuration): read them back before a
    // replace, or it would remove them.
    if (current && lostAnnotations(current) && !sameAsAsked(current, build(current))) current = await this.fresh(current, meter);
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const desired = build(current ?? undefined);
      if (current && sameAsAsked(current, desired)) return;
      try {
        if (!current) {
          this.remember(target, await this.client.create(desired, meter));
          return;
        }
        const body: KubeObject = {
          ...desired,
          metadata: {
            ...desired.metadata,
            resourceVersion: current.metadata.resourceVersion,
            annotations: { ...current.metadata.annotations, ...desired.metadata.annotations },
          },
        };
        this.remember(target, await this.client.replace(body, meter));
        return;
      } catch (error) {
        const code = statusCode(error);
        // 409: created meanwhile or changed since we read it; 404: deleted since we read it. Re-read and retry.
        if ((code !== 409 && code !== 404) || attempt === MAX_CONFLICT_RETRIES) throw error;
        current = await this.fresh(desired, meter);
      }
    }
  }

  private async ensureWorkload(target: AppTarget, e: EnsureWorkloadEffect, ctx: EffectContext): Promise<void> {
    const release = releaseRef(ctx, e.release);
    await this.upsert(target, (current) => deploymentManifest(target, e, release, current), 'deployments', ctx.meter);
  }

  private async scaleWorkload(target: AppTarget, e: ScaleWorkloadEffect, ctx: EffectContext): Promise<void> {
    const current = this.cached(target, 'deployments', e.name);
    if (!current) return;
    if (current.spec?.replicas === e.replicas) return;
    try {
      const patched = await this.client.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: e.name, namespace: target.namespace }, spec: { replicas: e.replicas } }, ctx.meter);
      this.remember(target, patched);
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  }

  private async ensureService(target: AppTarget, e: EnsureServiceEffect, ctx: EffectContext): Promise<void> {
    const desired = serviceManifest(target, e, ctx.release);
    const current = this.cached(target, 'services', e.name);
    if (current?.metadata.annotations?.[SPEC_HASH_ANNOTATION] === desired.metadata.annotations?.[SPEC_HASH_ANNOTATION]) return;
    if (!current) {
      try {
        this.remember(target, await this.client.create(desired, ctx.meter));
        return;
      } catch (error) {
        if (statusCode(error) !== 409) throw error;
      }
    }
    // A merge patch keeps what the API server owns (clusterIP); a selector key we no longer want is removed with null.
    const before = (current?.spec?.selector ?? {}) as Record<string, string>;
    const selector: Record<string, string | null> = { ...e.selector };
    for (const key of Object.keys(before)) if (!(key in e.selector)) selector[key] = null;
    const patch: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: e.name, namespace: target.namespace, labels: desired.metadata.labels, annotations: desired.metadata.annotations },
      spec: { selector, ports: desired.spec?.ports },
    };
    this.remember(target, await this.client.mergePatch(patch, ctx.meter));
  }

  private async setCanaryWeight(target: AppTarget, e: SetCanaryWeightEffect, ctx: EffectContext): Promise<void> {
    for (const desired of trafficManifests(target, e, ctx.release)) {
      await this.upsert(target, () => desired, desired.kind === 'Ingress' ? 'ingresses' : 'httproutes', ctx.meter);
    }
  }

  private async ensureHookJob(target: AppTarget, e: EnsureHookJobEffect, ctx: EffectContext): Promise<void> {
    const current = this.cached(target, 'jobs', e.name) ?? (await this.client.get('batch/v1', 'Job', target.namespace, e.name, ctx.meter)) ?? undefined;
    const attempt = Number(current?.metadata.annotations?.[ANNOTATION_ATTEMPT] ?? '0');
    if (current && attempt >= e.attempt) return;
    // A retry runs the hook again: a Job's pod template is immutable, so the old Job goes and a new one comes.
    if (current) await this.client.remove('batch/v1', 'Job', target.namespace, e.name, ctx.meter);
    const release = releaseRef(ctx, e.release);
    this.remember(target, await this.client.create(hookJobManifest(target, e, release), ctx.meter));
  }

  close(): void {
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    void this.client.close();
  }
}

/** Cutover's hash matches, and nothing that others (or our own scale patches) change behind it differs. */
function sameAsAsked(current: KubeObject, desired: KubeObject): boolean {
  if (current.metadata.annotations?.[SPEC_HASH_ANNOTATION] !== desired.metadata.annotations?.[SPEC_HASH_ANNOTATION]) return false;
  if (desired.kind !== 'Deployment') return true;
  return current.spec?.replicas === desired.spec?.replicas && (current.spec?.paused === true) === (desired.spec?.paused === true);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(error()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
