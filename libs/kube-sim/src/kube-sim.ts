// One call to run a whole simulated cluster in-process: store, controllers, kubelets, HTTP API server, kubeconfig.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startControllers } from './controllers';
import { renderKubeconfig } from './kubeconfig';
import { ApiServer, type RequestTally } from './server/api-server';
import type { FaultSpec, FaultState } from './server/faults';
import { Faults } from './server/faults';
import { SIM_CA_CERT } from './server/sim-tls';
import { MemoryStore } from './store/memory-store';

export interface KubeSimOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Simulated nodes, default 3 (4 CPU, 8Gi each). */
  nodes?: number;
  /** Divides every simulated delay (readiness, pulls, back-offs, deadlines); default 1. */
  timeScale?: number;
  /** Bearer token clients must present; random when absent. */
  token?: string;
  /** When set, the kubeconfig is also written there (directories created). */
  kubeconfigPath?: string;
  /** Faults active from the start. */
  faults?: FaultSpec;
  /** Watch events kept for resume (older resourceVersions get 410); default 10,000. */
  historySize?: number;
  /** Period of watch BOOKMARK events; default 60 s. */
  bookmarkIntervalMs?: number;
  /** Run without controllers/kubelets (pure API server); default true. */
  controllers?: boolean;
  /**
   * Default true: the port speaks HTTPS (the URL and kubeconfig use it, with the simulator's built-in test CA) AND plain
   * HTTP. kubectl never sends a bearer token over plain HTTP (it would be anonymous → 403), hence HTTPS in the kubeconfig;
   * plain HTTP stays handy for curl/fetch and client-node. false: plain HTTP only.
   */
  tls?: boolean;
  /** One stderr line per API request (KUBE_SIM_LOG=requests in apps/kube-sim). */
  logRequests?: boolean;
  /**
   * Images this cluster cannot pull (exact references): they fail as `:unpullable` ones do, here only — a regional
   * registry mirror that lacks a release. Changeable later through `KubeSim.missingImages`.
   */
  missingImages?: string[];
}

export interface KubeSimFaults {
  set(spec: FaultSpec): void;
  clear(): void;
  /** Cuts every open watch now; returns how many were cut. */
  cutWatches(): number;
  current(): FaultState;
}

export interface KubeSim {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** kubeconfig YAML (cluster/context "sandbox", bearer token user). */
  kubeconfig: string;
  kubeconfigPath?: string;
  token: string;
  /** PEM of the CA that signed the server certificate (undefined with tls: false). */
  caCert?: string;
  store: MemoryStore;
  faults: KubeSimFaults;
  /** Images this cluster cannot pull; add or remove while it runs (pulls already retrying pick the change up). */
  missingImages: Set<string>;
  /** Kubernetes API requests answered so far (by namespace and verb); `reset` starts a new count. */
  requests(reset?: boolean): RequestTally;
  stop(): Promise<void>;
}

export async function startKubeSim(opts: KubeSimOptions = {}): Promise<KubeSim> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const store = new MemoryStore({ historySize: opts.historySize });
  const faults = new Faults();
  const missingImages = new Set(opts.missingImages ?? []);
  if (opts.faults) faults.set(opts.faults);
  const manager = opts.controllers === false
    ? undefined
    : startControllers(store, { nodes: opts.nodes ?? 3, timeScale: opts.timeScale && opts.timeScale > 0 ? opts.timeScale : 1, missingImages });
  // Timestamps the store writes (creation, deletion) must agree with the controllers' simulated clock.
  const clock = manager as { now?: () => number } | undefined;
  if (clock?.now) store.setClock(() => clock.now!());
  const tls = opts.tls !== false;
  const server = new ApiServer({ store, faults, token, bookmarkIntervalMs: opts.bookmarkIntervalMs, tls, logRequests: opts.logRequests });
  let url: string;
  try {
    url = await server.listen(opts.port ?? 0);
  } catch (e) {
    manager?.stop();
    throw e;
  }
  const caCert = tls ? SIM_CA_CERT : undefined;
  const kubeconfig = renderKubeconfig({ url, token, caCert });
  if (opts.kubeconfigPath) {
    await mkdir(dirname(opts.kubeconfigPath), { recursive: true });
    await writeFile(opts.kubeconfigPath, kubeconfig, { mode: 0o600 });
  }
  let stopped = false;
  return {
    url,
    port: Number(new URL(url).port),
    kubeconfig,
    kubeconfigPath: opts.kubeconfigPath,
    token,
    caCert,
    store,
    faults: {
      set: (spec) => faults.set(spec),
      clear: () => faults.clear(),
      cutWatches: () => faults.cutWatches(),
      current: () => faults.current(),
    },
    missingImages,
    requests: (reset) => server.requests(reset),
    async stop() {
      if (stopped) return;
      stopped = true;
      manager?.stop();
      await server.close();
    },
  };
}
