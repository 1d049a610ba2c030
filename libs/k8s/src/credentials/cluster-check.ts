import { KubeClient } from '../gateway/kube-client';
import { type ClusterCredentials, kubeConfigFromCredentials, serverOf } from './cluster-credentials';
import { classifyClusterError } from './cluster-errors';

export type ClusterCheckResult = { ok: true; version: string; platform?: string } | { ok: false; reason: string };

export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

/** A reason a person can act on; never the credentials, never a stack. */
export function describeCheckFailure(error: unknown, server: string): string {
  const classified = classifyClusterError(error, server);
  if (classified) return classified.reason;
  const status = (error as { code?: unknown }).code;
  if (typeof status === 'number') return `the API server at ${server} answered HTTP ${status}`;
  const message = error instanceof Error ? error.message : String(error);
  return `unreachable: ${message.split('\n')[0]?.slice(0, 200)} (${server})`;
}

/**
 * Connects with the credentials and asks the server's version (GET /version). Never throws: a failure is
 * `{ ok: false, reason }` naming what went wrong (unreachable, TLS, 401, ...). When it gives up (timeoutMs), the
 * request's socket is destroyed and the client closed: a server that never answers keeps no connection of ours.
 */
export async function checkCluster(credentials: ClusterCredentials, options: { timeoutMs?: number } = {}): Promise<ClusterCheckResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let server = '(unknown server)';
  let client: KubeClient | null = null;
  try {
    server = serverOf(credentials);
    const config = kubeConfigFromCredentials(credentials);
    if (server.startsWith('http:') && !config.getCurrentCluster()?.skipTLSVerify) return { ok: false, reason: `TLS: plain http:// needs insecureSkipTlsVerify (${server})` };
    client = new KubeClient(config, { qps: 10, burst: 10 });
    const info = await client.version(timeoutMs);
    return { ok: true, version: info.gitVersion, ...(info.platform ? { platform: info.platform } : {}) };
  } catch (error) {
    return { ok: false, reason: describeCheckFailure(error, server) };
  } finally {
    await client?.close();
  }
}
