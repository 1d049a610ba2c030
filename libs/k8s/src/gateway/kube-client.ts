// The only place Cutover sends requests to a cluster: every call takes a token from the cluster's bucket and is
// counted (per cluster, and on the caller's meter, e.g. one deployment's tick). Plain REST over one keep-alive agent
// per cluster: @kubernetes/client-node's generated clients open a new TLS connection for every request and
// deserialise into classes, which cost more CPU than the rest of a tick (see bench:rollouts).
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
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

/** An API answer other than 2xx: `code` is the HTTP status (what the rest of Cutover checks). */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A request that got no answer in time. Its socket is destroyed when it gives up: an API server that accepts
 * connections and never answers must not collect them (issue 15 found three abandoned checks holding three sockets
 * for 10+ minutes).
 */
export class NoAnswerError extends Error {
  readonly code = 'CUTOVER_NO_ANSWER';
  constructor(
    readonly ms: number,
    readonly request = '',
  ) {
    super(`no answer within ${ms} ms`);
  }
}

/** How long a request may take before it is abandoned (and its socket destroyed). */
export const REQUEST_TIMEOUT_MS = 30_000;

export function statusCode(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  Node: { plural: 'nodes', namespaced: false },
  Pod: { plural: 'pods', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  Deployment: { plural: 'deployments', namespaced: true },
  ReplicaSet: { plural: 'replicasets', namespaced: true },
  Job: { plural: 'jobs', namespaced: true },
  Ingress: { plural: 'ingresses', namespaced: true },
  HTTPRoute: { plural: 'httproutes', namespaced: true },
};

export function resourcePath(apiVersion: string, kind: string, namespace: string | undefined, name?: string): string {
  const r = RESOURCES[kind];
  if (!r) throw new Error(`Cutover does not manage ${kind} objects`);
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export class KubeClient {
  readonly bucket: TokenBucket;
  /** Every request this client sent (watches included). */
  total = 0;
  /** Told of every request's answer (the worker's metrics): method, HTTP status (0 = no answer), seconds. */
  observer: ((method: string, code: number, seconds: number) => void) | null = null;
  readonly server: URL;
  private connection: Promise<{ agent: http.Agent; headers: Record<string, string> }> | null = null;

  constructor(
    readonly kubeConfig: KubeConfig,
    rateLimit: RateLimit = DEFAULT_RATE_LIMIT,
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    this.bucket = new TokenBucket(rateLimit);
  }

  async gate(meter?: RequestMeter): Promise<void> {
    await this.bucket.take();
    this.total += 1;
    if (meter) meter.requests += 1;
  }

  /** TLS material and auth headers from the kubeconfig, once; one keep-alive agent for every request. */
  private connect(): Promise<{ agent: http.Agent; headers: Record<string, string> }> {
    this.connection ??= (async () => {
      const opts: https.RequestOptions & { headers?: Record<string, string> } = {};
      await this.kubeConfig.applyToHTTPSOptions(opts);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
      if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      const tls = { ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: this.kubeConfig.getCurrentCluster()?.skipTLSVerify ? false : undefined };
      const agent = this.server.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 32, ...tls }) : new http.Agent({ keepAlive: true, maxSockets: 32 });
      return { agent, headers };
    })();
    this.connection.catch(() => (this.connection = null));
    return this.connection;
  }

  private async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json', query: Record<string, string> = {}, timeoutMs = REQUEST_TIMEOUT_MS, raw = false): Promise<T> {
    const { agent, headers } = await this.connect();
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      // A deadline for the whole exchange (the socket's idle timeout alone lets a trickling server hold it forever).
      const deadline = setTimeout(() => req.destroy(new NoAnswerError(timeoutMs, `${method} ${url.pathname}`)), timeoutMs);
      const t0 = performance.now();
      let code = 0;
      const settle = <A>(fn: (a: A) => void) => (a: A) => {
        clearTimeout(deadline);
        this.observer?.(method, code, (performance.now() - t0) / 1000);
        fn(a);
      };
      resolve = settle(resolve);
      reject = settle(reject);
      const req = lib.request(
        url,
        {
          method,
          agent,
          headers: { ...headers, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': String(payload.length) } : {}) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            code = status;
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            if (status >= 200 && status < 300) return resolve((raw ? text : parsed) as T);
            const s = (parsed ?? {}) as { message?: string; reason?: string };
            reject(new KubeApiError(status, s.reason ?? 'Unknown', `${method} ${url.pathname} → ${status}: ${s.message ?? text.slice(0, 200)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new NoAnswerError(timeoutMs, `${method} ${url.pathname}`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** GET /version (the cluster check), abandoned after `timeoutMs` with its socket. */
  async version(timeoutMs: number): Promise<{ gitVersion: string; platform?: string }> {
    await this.gate();
    return this.request('GET', '/version', undefined, undefined, {}, timeoutMs);
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string, meter?: RequestMeter): Promise<KubeObject | null> {
    await this.gate(meter);
    try {
      return await this.request<KubeObject>('GET', resourcePath(apiVersion, kind, namespace, name));
    } catch (error) {
      if (statusCode(error) === 404) return null;
      throw error;
    }
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, labelSelector?: string, meter?: RequestMeter): Promise<ListResult> {
    await this.gate(meter);
    const list = await this.request<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }>('GET', resourcePath(apiVersion, kind, namespace), undefined, undefined, labelSelector ? { labelSelector } : {});
    return { items: (list.items ?? []).map((o) => ({ ...o, apiVersion, kind })), resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  /** The last `tailLines` lines a pod's container printed (the /log subresource, as text). */
  async podLog(namespace: string, pod: string, container: string, tailLines: number, meter?: RequestMeter): Promise<string> {
    await this.gate(meter);
    return this.request<string>('GET', `${resourcePath('v1', 'Pod', namespace, pod)}/log`, undefined, undefined, { container, tailLines: String(tailLines) }, REQUEST_TIMEOUT_MS, true);
  }

  async create(o: KubeObject, meter?: RequestMeter): Promise<KubeObject> {
    await this.gate(meter);
    return this.request('POST', resourcePath(o.apiVersion, o.kind, o.metadata.namespace), o, 'application/json', { fieldManager: FIELD_MANAGER });
  }

  async replace(o: KubeObject, meter?: RequestMeter): Promise<KubeObject> {
    await this.gate(meter);
    return this.request('PUT', resourcePath(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name), o, 'application/json', { fieldManager: FIELD_MANAGER });
  }

  async mergePatch(o: KubeObject, meter?: RequestMeter): Promise<KubeObject> {
    await this.gate(meter);
    return this.request('PATCH', resourcePath(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name), o, 'application/merge-patch+json', { fieldManager: FIELD_MANAGER });
  }

  async remove(apiVersion: string, kind: string, namespace: string, name: string, meter?: RequestMeter): Promise<void> {
    await this.gate(meter);
    try {
      await this.request('DELETE', resourcePath(apiVersion, kind, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', gracePeriodSeconds: 0 });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  }

  /** Destroys every socket of this client (kept-alive, or in use by a request that is then abandoned). */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    await connection?.then(({ agent }) => agent.destroy()).catch(() => undefined);
  }
}
