import type { CapacityObservation } from '@cutover/domain';
import { KubeClient } from '../gateway/kube-client';
import { capacityObservation } from '../observe/observation.mapper';
import { type ClusterCredentials, kubeConfigFromCredentials, serverOf } from './cluster-credentials';
import { describeCheckFailure } from './cluster-check';

export type ClusterCapacityResult = { ok: true; capacity: CapacityObservation; nodes: number } | { ok: false; reason: string };

export const DEFAULT_CAPACITY_TIMEOUT_MS = 5_000;

/**
 * The cluster's free allocatable (schedulable nodes' allocatable minus the requests of the pods bound to them): what
 * a dry-run plan weighs a rollout's extra pods against. Two reads (nodes, pods in every namespace), given up after
 * `timeoutMs` with their sockets. Never throws: a failure is `{ ok: false, reason }` (unreachable, 401, ...).
 */
export async function readClusterCapacity(credentials: ClusterCredentials, options: { timeoutMs?: number } = {}): Promise<ClusterCapacityResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CAPACITY_TIMEOUT_MS;
  let server = '(unknown server)';
  let client: KubeClient | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    server = serverOf(credentials);
    const config = kubeConfigFromCredentials(credentials);
    if (server.startsWith('http:') && !config.getCurrentCluster()?.skipTLSVerify) return { ok: false, reason: `TLS: plain http:// needs insecureSkipTlsVerify (${server})` };
    client = new KubeClient(config, { qps: 10, burst: 10 });
    const c = client;
    const reads = Promise.all([c.list('v1', 'Node', undefined), c.list('v1', 'Pod', undefined)]);
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const [nodes, pods] = await Promise.race([reads, gaveUp]);
    return { ok: true, capacity: capacityObservation(nodes.items, pods.items), nodes: nodes.items.length };
  } catch (error) {
    return { ok: false, reason: describeCheckFailure(error, server) };
  } finally {
    clearTimeout(timer);
    // Abandons a read still in flight: its socket is destroyed, nothing of ours stays connected.
    await client?.close();
  }
}
