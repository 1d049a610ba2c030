// A minimal Kubernetes REST + watch client over fetch, for the simulator's own wire-level tests
// (the product's client lives elsewhere; the simulator imports nothing from it).

export interface KubeEndpoint {
  url: string;
  token: string;
}

export interface WatchedEvent {
  resource: string;
  type: string;
  object: any;
  at: number;
}

const paths: Record<string, (ns: string) => string> = {
  namespaces: () => '/api/v1/namespaces',
  pods: (ns) => `/api/v1/namespaces/${ns}/pods`,
  services: (ns) => `/api/v1/namespaces/${ns}/services`,
  endpoints: (ns) => `/api/v1/namespaces/${ns}/endpoints`,
  events: (ns) => `/api/v1/namespaces/${ns}/events`,
  deployments: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  replicasets: (ns) => `/apis/apps/v1/namespaces/${ns}/replicasets`,
  jobs: (ns) => `/apis/batch/v1/namespaces/${ns}/jobs`,
  endpointslices: (ns) => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
};

const pluralOfKind: Record<string, string> = {
  Namespace: 'namespaces', Pod: 'pods', Service: 'services', Deployment: 'deployments', ReplicaSet: 'replicasets', Job: 'jobs',
};

export class KubeHttp {
  private readonly aborts: AbortController[] = [];

  constructor(private readonly ep: KubeEndpoint) {}

  private async call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> {
    const res = await fetch(this.ep.url + path, {
      method,
      headers: { Authorization: `Bearer ${this.ep.token}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw Object.assign(new Error(`${method} ${path} → ${res.status}: ${parsed?.message ?? text}`), { status: res.status, body: parsed });
    return parsed;
  }

  create(obj: any): Promise<any> {
    const plural = pluralOfKind[obj.kind];
    if (!plural) throw new Error(`kind ${obj.kind} not mapped`);
    return this.call('POST', paths[plural]!(obj.metadata.namespace), obj);
  }

  get(resource: string, ns: string, name: string): Promise<any> {
    return this.call('GET', `${paths[resource]!(ns)}/${name}`);
  }

  list(resource: string, ns: string): Promise<any> {
    return this.call('GET', paths[resource]!(ns));
  }

  patch(resource: string, ns: string, name: string, patch: unknown, type: 'strategic' | 'merge' | 'json' = 'strategic'): Promise<any> {
    const ct = { strategic: 'application/strategic-merge-patch+json', merge: 'application/merge-patch+json', json: 'application/json-patch+json' }[type];
    return this.call('PATCH', `${paths[resource]!(ns)}/${name}`, patch, ct);
  }

  delete(resource: string, ns: string, name: string, propagationPolicy?: string): Promise<any> {
    return this.call('DELETE', `${paths[resource]!(ns)}/${name}`, propagationPolicy ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy } : undefined);
  }

  /** Start a watch from the current list's resourceVersion; events are appended to `sink` in arrival order. */
  async watch(resource: string, ns: string, sink: WatchedEvent[], onEvent?: () => void): Promise<void> {
    const list = await this.list(resource, ns);
    const ac = new AbortController();
    this.aborts.push(ac);
    const res = await fetch(`${this.ep.url}${paths[resource]!(ns)}?watch=1&resourceVersion=${list.metadata.resourceVersion}`, {
      headers: { Authorization: `Bearer ${this.ep.token}` },
      signal: ac.signal,
    });
    if (!res.ok || !res.body) throw new Error(`watch ${resource}: ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i).trim();
            buf = buf.slice(i + 1);
            if (!line) continue;
            const ev = JSON.parse(line);
            if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
            sink.push({ resource, type: ev.type, object: ev.object, at: Date.now() });
            onEvent?.();
          }
        }
      } catch {
        // Aborted at the end of the test.
      }
    })();
  }

  close(): void {
    for (const a of this.aborts) a.abort();
  }
}
