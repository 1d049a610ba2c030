import { KubeConfig } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import type { FieldError, Validated } from '@cutover/domain';

/** How Cutover reaches a cluster. Stored sealed (SecretBox); never returned, logged or audited. */
export type ClusterCredentials =
  | { kind: 'kubeconfig'; kubeconfig: string }
  | { kind: 'token'; server: string; token: string; caData?: string; insecureSkipTlsVerify?: boolean };

export interface KubeconfigSummary {
  /** The API server URL of the current context's cluster. */
  server: string;
  context: string;
  namespace?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function named(list: unknown, name: unknown, key: string): Obj | undefined {
  if (!Array.isArray(list)) return undefined;
  const entry = list.find((e) => isObj(e) && e['name'] === name) as Obj | undefined;
  const inner = entry?.[key];
  return isObj(inner) ? inner : undefined;
}

// Kubeconfig features that run programs or read files on the api host: a registered cluster must not be able to
// make the api execute commands or disclose its own files, so they are refused; credentials must be inline.
const refusedUserKeys: Record<string, string> = {
  exec: 'exec credential plugins are not allowed (the api would run a program)',
  'auth-provider': 'auth-provider plugins are not allowed; use a token or client certificate data',
  tokenFile: 'tokenFile reads a file on the api host; inline the token',
  'client-certificate': 'client-certificate names a file; use client-certificate-data',
  'client-key': 'client-key names a file; use client-key-data',
};
const refusedClusterKeys: Record<string, string> = {
  'certificate-authority': 'certificate-authority names a file; use certificate-authority-data',
};

/**
 * Checks a kubeconfig the way Cutover will use it: parseable YAML, a current context naming a cluster with an
 * https/http server, credentials inline. Every error is on the path `kubeconfig`.
 */
export function parseKubeconfig(text: string): Validated<KubeconfigSummary> {
  const fail = (rule: string, message: string): Validated<KubeconfigSummary> => ({ ok: false, errors: [{ path: 'kubeconfig', rule, message }] });
  let doc: unknown;
  try {
    doc = load(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'unreadable';
    return fail('yaml', `kubeconfig is not valid YAML: ${reason}`);
  }
  if (!isObj(doc)) return fail('yaml', 'kubeconfig must be a YAML mapping');
  const current = doc['current-context'];
  if (typeof current !== 'string' || current === '') return fail('currentContext', 'kubeconfig has no current-context');
  const context = named(doc['contexts'], current, 'context');
  if (!context) return fail('context', `kubeconfig has no context named "${current}"`);
  const cluster = named(doc['clusters'], context['cluster'], 'cluster');
  if (!cluster) return fail('cluster', `context "${current}" names no cluster defined in kubeconfig`);
  const server = cluster['server'];
  if (typeof server !== 'string' || !isHttpUrl(server)) return fail('server', `cluster "${String(context['cluster'])}" has no http(s) server URL`);
  const errors: FieldError[] = [];
  if (server.startsWith('http:') && cluster['insecure-skip-tls-verify'] !== true) {
    errors.push({ path: 'kubeconfig', rule: 'plainHttp', message: 'a plain http:// server needs insecure-skip-tls-verify: true' });
  }
  for (const [key, message] of Object.entries(refusedClusterKeys)) if (key in cluster) errors.push({ path: 'kubeconfig', rule: 'fileReference', message });
  const user = context['user'] === undefined ? {} : named(doc['users'], context['user'], 'user');
  if (!user) return fail('user', `context "${current}" names no user defined in kubeconfig`);
  for (const [key, message] of Object.entries(refusedUserKeys)) {
    if (key in user) errors.push({ path: 'kubeconfig', rule: key === 'exec' || key === 'auth-provider' ? 'pluginNotAllowed' : 'fileReference', message });
  }
  if (errors.length > 0) return { ok: false, errors };
  const namespace = typeof context['namespace'] === 'string' ? context['namespace'] : undefined;
  return { ok: true, value: { server, context: current, ...(namespace ? { namespace } : {}) } };
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The API server URL the credentials point at. */
export function serverOf(credentials: ClusterCredentials): string {
  if (credentials.kind === 'token') return credentials.server;
  const parsed = parseKubeconfig(credentials.kubeconfig);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.value.server;
}

/** A @kubernetes/client-node KubeConfig for the credentials (kubeconfig: its current context). */
export function kubeConfigFromCredentials(credentials: ClusterCredentials): KubeConfig {
  const kc = new KubeConfig();
  if (credentials.kind === 'kubeconfig') {
    const parsed = parseKubeconfig(credentials.kubeconfig);
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
    kc.loadFromString(credentials.kubeconfig);
    kc.setCurrentContext(parsed.value.context);
    return kc;
  }
  kc.loadFromClusterAndUser(
    { name: 'cluster', server: credentials.server, caData: credentials.caData, skipTLSVerify: credentials.insecureSkipTlsVerify ?? false },
    { name: 'user', token: credentials.token },
  );
  return kc;
}
