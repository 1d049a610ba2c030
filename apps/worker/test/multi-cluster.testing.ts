// A multi-cluster stack for wave e2e tests and bench:waves: N simulators, each its own Kubernetes API server on a
// 127.0.0.1 port of its own, registered through the real api (POST /v1/clusters, with labels) as separate clusters;
// the real api (in this process) and the worker, in this process or as a child in a process group of its own (so it
// can be SIGKILLed like a crashed pod). Apps, environments and releases are made over REST, as a user would.
// Every simulator write to an object Cutover owns is recorded with the wall-clock time, so tests can assert what the
// clusters saw and in which order, not only what Postgres says.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { loadConfig } from '@cutover/config';
import { RESOURCE_KEYS, startKubeSim, type KubeSim, type RequestTally } from '@cutover/kube-sim';
import { createTestPrisma, testRunId } from '@cutover/testing';
import type { PrismaClient } from '@cutover/persistence';
import { startTestApi, type TestApi } from '../../api/test/test-api';
import { WorkerModule } from '../src/worker.module';
import type { WorkerOptions } from '../src/worker.options';
import { until } from './worker-harness';

export { until };

export interface ClusterSpec {
  /** Logical name; the registered cluster is `<stack>-<name>` (cluster names are global to the test database). */
  name: string;
  labels: Record<string, string>;
  nodes?: number;
}

/** Three clusters in two regions and two tiers, the shape of issue 14's examples. */
export const THREE_CLUSTERS: ClusterSpec[] = [
  { name: 'eu-staging', labels: { region: 'eu', tier: 'staging' } },
  { name: 'eu-prod', labels: { region: 'eu', tier: 'prod' } },
  { name: 'us-prod', labels: { region: 'us', tier: 'prod' } },
];

export interface EnvironmentSpec {
  name: string;
  /** Logical cluster name (ClusterSpec.name). */
  cluster: string;
  labels?: Record<string, string>;
  /** Default: the environment name (two environments of one app on one cluster need two namespaces). */
  namespace?: string;
  replicas?: number;
  strategy?: unknown;
}

export interface SimCluster {
  /** Logical name. */
  name: string;
  /** Registered name. */
  registered: string;
  id: string;
  labels: Record<string, string>;
  sim: KubeSim;
}

/** One write the simulator stored for an object labelled `app.kubernetes.io/managed-by=cutover`. */
export interface SimWrite {
  cluster: string;
  namespace: string;
  /** `app.kubernetes.io/name`: apps share namespaces when their environments share names. */
  app: string | undefined;
  resource: string;
  name: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  release: string | undefined;
  /** Date.now() when the store emitted it. */
  at: number;
}

/** The kinds Cutover itself writes (the rest — ReplicaSets, pods, endpoints — are the clusters' controllers'). */
export const CUTOVER_WRITTEN = new Set(['deployments', 'services', 'ingresses', 'httproutes', 'jobs']);

export interface StartOptions {
  clusters?: ClusterSpec[];
  /** Simulator time scale (divides every simulated delay); default 20. */
  timeScale?: number;
  /** The worker: in this process (default), as a child process, or none yet (start one later). */
  worker?: 'in-process' | 'process' | 'none';
  /** Extra env for the api and the worker (e.g. RECONCILE_INTERVAL_MS). */
  env?: Record<string, string>;
  workerOptions?: WorkerOptions;
}

type Json = Record<string, any>;

export interface Answer {
  status: number;
  body: Json;
}

const root = path.resolve(__dirname, '../../..');

export class MultiClusterStack {
  readonly writes: SimWrite[] = [];
  private worker: INestApplicationContext | null = null;
  private child: ChildProcess | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  private constructor(
    readonly name: string,
    readonly api: TestApi,
    readonly admin: string,
    readonly prisma: PrismaClient,
    readonly clusters: SimCluster[],
    readonly env: NodeJS.ProcessEnv,
    private readonly workerOptions: WorkerOptions,
  ) {
    for (const c of clusters) {
      this.unsubscribe.push(
        c.sim.store.subscribe((ev) => {
          const o = ev.object as unknown as { metadata: { name: string; namespace?: string; labels?: Record<string, string> } };
          const labels = o.metadata.labels ?? {};
          if (labels['app.kubernetes.io/managed-by'] !== 'cutover') return;
          this.writes.push({
            cluster: c.name,
            namespace: o.metadata.namespace ?? '',
            app: labels['app.kubernetes.io/name'],
            resource: ev.resource.resource,
            name: o.metadata.name,
            type: ev.type as SimWrite['type'],
            release: labels['cutover.dev/release'],
            at: Date.now(),
          });
        }),
      );
    }
  }

  /**
   * Starts the simulators and the api, registers every simulator as a cluster (with its labels) over REST, and
   * starts the worker. `name` keeps this stack's queue prefix and cluster names apart from other test files'.
   */
  static async start(name: string, options: StartOptions = {}): Promise<MultiClusterStack> {
    const specs = options.clusters ?? THREE_CLUSTERS;
    const prefix = `${process.env.CUTOVER_TEST_RUN_ID ? testRunId() : 'mc'}-${name}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CUTOVER_QUEUE_PREFIX: prefix,
      RECONCILE_INTERVAL_MS: '2000',
      WORKER_CONCURRENCY: '32',
      KUBE_QPS: '500',
      KUBE_BURST: '1000',
      LOG_LEVEL: 'error',
      ...options.env,
    };
    const sims: KubeSim[] = [];
    let api: TestApi | undefined;
    try {
      for (const spec of specs) sims.push(await startKubeSim({ port: 0, nodes: spec.nodes ?? 3, timeScale: options.timeScale ?? 20 }));
      api = await startTestApi({ env: { CUTOVER_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', ...options.env } });
      const admin = await api.token('admin');
      const clusters: SimCluster[] = [];
      for (const [i, spec] of specs.entries()) {
        const registered = `${name}-${spec.name}`;
        const res = await request(api.server)
          .post('/v1/clusters')
          .set('authorization', `Bearer ${admin}`)
          .send({ name: registered, kubeconfig: sims[i].kubeconfig, labels: spec.labels });
        if (res.status !== 201) throw new Error(`registering cluster ${registered}: ${res.status} ${res.text}`);
        clusters.push({ name: spec.name, registered, id: '', labels: spec.labels, sim: sims[i] });
      }
      const prisma = createTestPrisma({ poolSize: 4 });
      for (const c of clusters) c.id = (await prisma.cluster.findUniqueOrThrow({ where: { name: c.registered } })).id;
      env.TEST_WORKER_CLUSTERS = clusters.map((c) => c.id).join(',');
      const stack = new MultiClusterStack(name, api, admin, prisma, clusters, env, options.workerOptions ?? { watch: { quietMs: 60_000, retryMs: 200 } });
      if (options.worker === 'process') await stack.startWorkerProcess();
      else if (options.worker !== 'none') await stack.startWorker();
      return stack;
    } catch (error) {
      await api?.close().catch(() => undefined);
      for (const sim of sims) await sim.stop().catch(() => undefined);
      throw error;
    }
  }

  cluster(name: string): SimCluster {
    const c = this.clusters.find((x) => x.name === name);
    if (!c) throw new Error(`no cluster "${name}" in this stack (${this.clusters.map((x) => x.name).join(', ')})`);
    return c;
  }

  /** One REST call as the admin. */
  async call(method: 'get' | 'post' | 'patch' | 'delete', url: string, body?: unknown): Promise<Answer> {
    const req = request(this.api.server)[method](url).set('authorization', `Bearer ${this.admin}`);
    const res = body === undefined ? await req : await req.send(body as object);
    return { status: res.status, body: res.body as Json };
  }

  /** Like `call`, but throws unless the status is `expected`. */
  async ok(method: 'get' | 'post' | 'patch' | 'delete', url: string, body: unknown, expected: number): Promise<Json> {
    const res = await this.call(method, url, body);
    if (res.status !== expected) throw new Error(`${method.toUpperCase()} ${url}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The app and its environments (each on its cluster, with labels), over REST. */
  async createApp(app: string, environments: EnvironmentSpec[]): Promise<void> {
    await this.ok('post', '/v1/apps', { name: app }, 201);
    for (const e of environments) {
      await this.ok(
        'post',
        `/v1/apps/${app}/environments`,
        {
          name: e.name,
          cluster: this.cluster(e.cluster).registered,
          namespace: e.namespace ?? e.name,
          replicas: e.replicas ?? 2,
          strategy: e.strategy ?? { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
          service: { port: 80, targetPort: 8080 },
          labels: e.labels ?? {},
        },
        201,
      );
    }
  }

  /**
   * A release of one container. `image` defaults to `example/<app>:<version>`; tags `:unpullable` and `:broken` make
   * the simulator fail it (docs/kube-sim-behaviour.md). `readyAfter` is the simulated readiness delay (default 1s).
   */
  async release(app: string, version: string, options: { image?: string; readyAfter?: string } = {}): Promise<void> {
    await this.ok(
      'post',
      `/v1/apps/${app}/releases`,
      {
        version,
        image: options.image ?? `example/${app}:${version}`,
        podAnnotations: { 'sim.cutover.dev/ready-after': options.readyAfter ?? '1s' },
      },
      201,
    );
  }

  /** Deploys `version` to each environment directly (not through a wave) and waits until all succeeded. */
  async deployEverywhere(app: string, environments: string[], version: string, timeoutMs = 60_000): Promise<string[]> {
    const ids: string[] = [];
    for (const environment of environments) {
      ids.push((await this.ok('post', '/v1/deployments', { app, environment, release: version }, 202)).id as string);
    }
    await until(`${version} to succeed in ${environments.join(', ')}`, async () => {
      const phases = await this.prisma.deployment.findMany({ where: { id: { in: ids } }, select: { phase: true } });
      const bad = phases.find((p) => ['Failed', 'Aborted', 'RolledBack'].includes(p.phase));
      if (bad) throw new Error(`a deployment of ${version} ended ${bad.phase}`);
      return phases.every((p) => p.phase === 'Succeeded') ? true : undefined;
    }, timeoutMs, 100);
    return ids;
  }

  /** The first write Cutover made for `app`'s `release` in `namespace` on `cluster` (after `since`), as the cluster saw it. */
  firstWrite(cluster: string, namespace: string, app: string, release: string, since = 0): SimWrite | undefined {
    return this.writes.find((w) => w.cluster === cluster && w.namespace === namespace && w.app === app && w.release === release && w.at >= since && CUTOVER_WRITTEN.has(w.resource));
  }

  /** The Deployment object `name` in `namespace` on a cluster (what `kubectl get` shows). */
  simDeployment(cluster: string, namespace: string, name: string): Json | undefined {
    return this.cluster(cluster).sim.store.get(RESOURCE_KEYS.deployments, namespace, name) as Json | undefined;
  }

  /** Requests each simulator answered, by logical cluster name; `reset` starts new counts. */
  requests(reset = false): Record<string, RequestTally> {
    return Object.fromEntries(this.clusters.map((c) => [c.name, c.sim.requests(reset)]));
  }

  // ---- the worker ------------------------------------------------------------------------------------------------

  get workerRunning(): boolean {
    return this.worker !== null || (this.child !== null && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** The worker module in this process, serving this stack's clusters only. */
  async startWorker(): Promise<void> {
    if (this.workerRunning) throw new Error('a worker is already running');
    const app = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(loadConfig(this.env, 'worker'), { clusterIds: this.clusters.map((c) => c.id), ...this.workerOptions }),
      { logger: ['error'] },
    );
    await app.init();
    this.worker = app;
  }

  async stopWorker(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.close();
  }

  /**
   * The worker as a child process (apps/worker/test/worker-child.ts) leading a process group of its own, so
   * `killWorkerProcess` reaches everything it started. Resolves when its module is up.
   */
  async startWorkerProcess(): Promise<void> {
    if (this.workerRunning) throw new Error('a worker is already running');
    const child = fork(path.join(root, 'apps/worker/test/worker-child.ts'), [], {
      cwd: root,
      env: this.env,
      execArgv: ['-r', path.join(root, 'scripts/ts-register.cjs')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code, signal) => reject(new Error(`worker process exited (${code ?? signal}) before it was ready`)));
    });
  }

  /** Signals the worker's whole process group (default SIGKILL: a crash, no shutdown hooks) and waits for its exit. */
  async killWorkerProcess(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
    await exited;
    this.child = null;
  }

  /** Stops the worker (process group killed, or module closed), the api and every simulator. */
  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await this.killWorkerProcess().catch(() => undefined);
    await this.stopWorker().catch(() => undefined);
    await this.api.close().catch(() => undefined);
    await this.prisma.$disconnect().catch(() => undefined);
    for (const c of this.clusters) await c.sim.stop().catch(() => undefined);
  }
}
