// The kubeconfig the simulator hands out: HTTPS on 127.0.0.1 with the simulator's CA, and a bearer token.
import { dump } from 'js-yaml';

export interface KubeconfigParams {
  url: string;
  token: string;
  /** Cluster and context name; "sandbox" by default. */
  name?: string;
  namespace?: string;
  /** PEM of the CA that signed the server certificate (https servers). */
  caCert?: string;
}

export function renderKubeconfig(p: KubeconfigParams): string {
  const name = p.name ?? 'sandbox';
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{
      name,
      cluster: { server: p.url, ...(p.caCert ? { 'certificate-authority-data': Buffer.from(p.caCert).toString('base64') } : {}) },
    }],
    users: [{ name: `${name}-admin`, user: { token: p.token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, ...(p.namespace ? { namespace: p.namespace } : {}) } }],
    'current-context': name,
    preferences: {},
  }, { lineWidth: -1 });
}
