// The worker e2e stack: the run's Postgres database, Redis under the run's prefix, the simulator over HTTPS, and
// the worker module booted in-process (or as a child process). Seeds rows the way the api would.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig, type WorkerConfig } from '@cutover/config';
import { initialDeploymentState, parseStrategyDocument, type DeploymentContext, type DeploymentState, type ReleaseSpec } from '@cutover/domain';
import { clusterCredentialsAad, secretBoxFromEnv, type PrismaClient } from '@cutover/persistence';
import { DeploymentQueue } from '@cutover/queue';
import { RESOURCE_KEYS, startKubeSim, type KubeSim } from '@cutover/kube-sim';
import { createTestPrisma, testRedisUrl, testRunId } from '@cutover/testing';
import { WorkerModule } from '../src/worker.module';
import type { WorkerOptions } from '../src/worker.options';

export interface Stack {
  sim: KubeSim;
  prisma: PrismaClient;
  queue: DeploymentQueue;
  clusterId: string;
  prefix: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** A queue prefix of its own per test file, so files running in parallel never take each other's jobs. */
export async function startStack(name: string, options: { timeScale?: number } = {}): Promise<Stack> {
  const sim = await startKubeSim({ port: 0, nodes: 4, timeScale: options.timeScale ?? 20 });
  const prisma = createTestPrisma({ poolSize: 4 });
  const prefix = `${testRunId()}-${name}`;
  const queue = new DeploymentQueue({ redisUrl: testRedisUrl(), prefix });
  const clusterId = randomUUID();
  const box = secretBoxFromEnv();
  await prisma.cluster.create({
    data: {
      id: clusterId,
      name: `sim-${name}-${clusterId.slice(0, 8)}`,
      server: sim.url,
      authKind: 'kubeconfig',
      credentials: new Uint8Array(box.sealJson({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig }, clusterCredentialsAad(clusterId))),
    },
  });
  const env = { ...process.env, TEST_WORKER_CLUSTER: clusterId, CUTOVER_QUEUE_PREFIX: prefix, RECONCILE_INTERVAL_MS: '2000', WORKER_CONCURRENCY: '16', LOG_LEVEL: 'error' };
  return {
    sim,
    prisma,
    queue,
    clusterId,
    prefix,
    env,
    async stop() {
      await queue.close();
      await prisma.$disconnect();
      await sim.stop();
    },
  };
}

export function workerConfig(stack: Stack): WorkerConfig {
  return loadConfig(stack.env, 'worker');
}

export const FAST: WorkerOptions = { watch: { quietMs: 60_000, retryMs: 200 } };

export async function startWorker(stack: Stack, options: WorkerOptions = FAST): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(workerConfig(stack), { clusterIds: [stack.clusterId], ...options }), { logger: ['error'] });
  await app.init();
  return app;
}

export function releaseSpec(image: string, extra: { initContainers?: Array<{ name: string; image: string }>; annotations?: Record<string, string>; hooks?: Array<{ name: string; image: string }> } = {}): ReleaseSpec {
  const container = (name: string, img: string) => ({ name, image: img, imagePullPolicy: 'IfNotPresent' as const });
  return {
    podSpec: {
      containers: [{ ...container('app', image), ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
      initContainers: (extra.initContainers ?? []).map((c) => container(c.name, c.image)),
      volumes: [],
      terminationGracePeriodSeconds: 1,
    },
    podLabels: {},
    podAnnotations: extra.annotations ?? {},
    hooks: {
      preDeploy: (extra.hooks ?? []).map((h) => ({
        name: h.name,
        backoffLimit: 0,
        podSpec: { containers: [container(h.name, h.image)], initContainers: [], volumes: [], terminationGracePeriodSeconds: 1, restartPolicy: 'Never' as const },
      })),
    },
  };
}

export interface Seeded {
  appId: string;
  app: string;
  envId: string;
  environment: string;
  namespace: string;
  replicas: number;
}

export async function seedApp(stack: Stack, app: string, opts: { replicas?: number; strategy?: unknown } = {}): Promise<Seeded> {
  const appId = randomUUID();
  await stack.prisma.application.create({ data: { id: appId, name: app } });
  const envId = randomUUID();
  const replicas = opts.replicas ?? 3;
  await stack.prisma.environment.create({
    data: { id: envId, applicationId: appId, name: 'prod', clusterId: stack.clusterId, namespace: `ns-${app}`, replicas, strategy: (opts.strategy ?? { type: 'RollingUpdate' }) as object, servicePort: 80, serviceTargetPort: 8080 },
  });
  return { appId, app, envId, environment: 'prod', namespace: `ns-${app}`, replicas };
}

export async function seedRelease(stack: Stack, s: Seeded, version: string, spec: ReleaseSpec): Promise<string> {
  const seq = (await stack.prisma.release.count({ where: { applicationId: s.appId } })) + 1;
  const row = await stack.prisma.release.create({
    data: { applicationId: s.appId, version, seq, spec: spec as object, digest: `sha256:${version}`, createdBy: 'test' },
  });
  return row.id;
}

/** Creates a deployment the way the api does (Pending, active, initial machine state) and wakes the worker. */
export async function deploy(
  stack: Stack,
  s: Seeded,
  version: string,
  strategy: unknown,
  previous: string | null,
  extra: { podRequests?: DeploymentContext['podRequests']; /** false: write the row only (a wake-up lost). */ wake?: boolean } = {},
): Promise<string> {
  const release = await stack.prisma.release.findUniqueOrThrow({ where: { applicationId_version: { applicationId: s.appId, version } } });
  const prev = previous ? await stack.prisma.release.findUniqueOrThrow({ where: { applicationId_version: { applicationId: s.appId, version: previous } } }) : null;
  const parsed = parseStrategyDocument(strategy);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const spec = release.spec as unknown as ReleaseSpec;
  const ctx: DeploymentContext = {
    app: s.app,
    environment: s.environment,
    release: version,
    previousRelease: previous,
    kind: 'deploy',
    replicas: s.replicas,
    strategy: parsed.value,
    preDeployHooks: spec.hooks.preDeploy.map((h) => h.name),
    podRequests: extra.podRequests ?? null,
  };
  const id = randomUUID();
  await stack.prisma.deployment.create({
    data: {
      id,
      environmentId: s.envId,
      releaseId: release.id,
      previousReleaseId: prev?.id ?? null,
      strategy: parsed.value as object,
      phase: 'Pending',
      state: initialDeploymentState(ctx, Date.now()) as unknown as object,
      activeKey: s.envId,
      createdBy: 'test',
    },
  });
  if (extra.wake !== false) await stack.queue.wake(id);
  return id;
}

export async function command(stack: Stack, deploymentId: string, type: string, payload: Record<string, unknown> = {}): Promise<string> {
  const row = await stack.prisma.deploymentCommand.create({ data: { deploymentId, type, payload: payload as object, actor: 'alice', reason: 'test' } });
  await stack.queue.wake(deploymentId);
  return row.id;
}

export async function stateOf(stack: Stack, id: string): Promise<DeploymentState> {
  const row = await stack.prisma.deployment.findUniqueOrThrow({ where: { id } });
  return row.state as unknown as DeploymentState;
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitPhase(stack: Stack, id: string, phases: string[], timeoutMs = 30_000): Promise<DeploymentState> {
  return until(`deployment ${id} to reach ${phases.join('/')}`, async () => {
    const s = await stateOf(stack, id);
    return phases.includes(s.phase) ? s : undefined;
  }, timeoutMs);
}

type Json = Record<string, any>; 

export type SimResource = 'deployments' | 'services' | 'ingresses' | 'httproutes' | 'jobs' | 'pods';

/** The simulator's stored object (what `kubectl get` would show). */
export function simGet(stack: Stack, resource: SimResource, ns: string, name: string): Json | undefined {
  return stack.sim.store.get(RESOURCE_KEYS[resource], ns, name) as Json | undefined;
}

export function simList(stack: Stack, resource: SimResource, ns: string): Json[] {
  return stack.sim.store.list(RESOURCE_KEYS[resource], { namespace: ns }) as Json[];
}

/** Starts apps/worker/test/worker-child.ts in its own process; resolves once the module is up. */
export function startWorkerProcess(stack: Stack): Promise<ChildProcess> {
  const root = path.resolve(__dirname, '../../..');
  const child = fork(path.join(root, 'apps/worker/test/worker-child.ts'), [], {
    cwd: root,
    env: stack.env,
    execArgv: ['-r', path.join(root, 'scripts/ts-register.cjs')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
  });
}

export function killed(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
