// The only place Cutover sends requests to a cluster: every call takes a token from the cluster's bucket and is
// counted (per cluster, and on the caller's meter, e.g. one deployment's tick).
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from '../manifests/manifest.types';
import { FIELD_MANAGER } from '../manifests/manifest.types';
import { DEFAULT_RATE_LIMIT, TokenBucket, type RateLimit } from './rate-limiter';

/** Counts the requests made on someone's behalf. */
export interface RequestMeter {
  requests: number;
}

export function newMeter(): RequestMeter {
  return { requests: 0 };
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

export function statusCode(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown; body?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** JSON round trip: the client deserialises into classes with Date fields; the rest of Cutover wants plain JSON. */
function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class KubeClient {
  readonly api: KubernetesObjectApi;
  readonly bucket: TokenBucket;
  /** Every request this client sent (watches included). */
  total = 0;

  constructor(
    readonly kubeConfig: KubeConfig,
    rateLimit: RateLimit = DEFAULT_RATE_LIMIT,
  ) {
    this.api = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.bucket = new TokenBucket(rateLimit);
  }

  async gate(meter?: RequestMeter): Promise<void> {
    await this.bucket.take();
    this.total += 1;
    if (meter) meter.requests += 1;
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string, meter?: RequestMeter): Promise<KubeObject | null> {
    await this.gate(meter);
    try {
      return plain<KubeObject>(await this.api.read({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }));
    } catch (error) {
      if (statusCode(error) === 404) return null;
      throw error;
    }
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector?: string, meter?: RequestMeter): Promise<ListResult> {
    await this.gate(meter);
    const list = await this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
    const items = plain<KubeObject[]>(list.items).map((o) => ({ ...o, apiVersion, kind }));
    return { items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async create(o: KubeObject, meter?: RequestMeter): Promise<KubeObject> {
    await this.gate(meter);
    return plain<KubeObject>(await this.api.create(o as KubernetesObject, undefined, undefined, FIELD_MANAGER));
  }

  async replace(o: KubeObject, meter?: RequestMeter): Promise<KubeObject> {
    await this.gate(meter);
    return plain<KubeObject>(await this.api.replace(o as KubernetesObject, undefined, undefined, FIELD_MANAGER));
  }

  async mergePatch(o: KubeObject, meter?: RequestMeter): Promise<KubeObject> {
    await this.gate(meter);
    return plain<KubeObject>(await this.api.patch(o as KubernetesObject, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch));
  }

  async remove(apiVersion: string, kind: string, namespace: string, name: string, meter?: RequestMeter): Promise<void> {
    await this.gate(meter);
    try {
      await this.api.delete({ apiVersion, kind, metadata: { name, namespace } }, undefined, undefined, 0, undefined, 'Background');
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  }
}
