// `npm run bench:hold` (issue 16 §4): N canaries paused at an indefinite pause step, across 100 namespaces, held by ONE
// worker process for a while, with a promote wave in the middle. Measures the worker's RSS (sampled), its drift (mean of
// the last third of the hold against the first third), the reconciler's pass time and what each pass wakes, the
// reaction of the promoted wave (promote command written → the next write to that app's objects in the cluster, p50/p99),
// and what the watch cache holds per deployment (objects by kind, JSON bytes, heap bytes of one copy).
//
// Processes: this one (seeds Postgres, writes commands, samples /proc), the simulator in its own process, one worker.
// Seeding writes apps, environments, releases and deployments straight into Postgres (createMany, like bench:rollouts):
// through the API it would take 4 writes per app at the ~90 writes/s BENCHMARKS.md measured for POST
// /v1/apps/:app/releases on this machine, i.e. ~7.5 minutes for 10,000 apps before anything is measured. The
// deployments then run through the worker as usual (first release straight to serving, second one to the pause step).
//
//   npm run bench:hold                          10,000 canaries, 10 minutes, wave of 1,000, objects trimmed (default)
//   npm run bench:hold -- --profile short       1,000 canaries, 2 minutes, wave of 100
//   npm run bench:hold -- --compare             the same hold twice on the same seeded state: whole objects in the
//                                               watch cache, then trimmed ones (a fresh worker each)
// Options: --rollouts N, --minutes M, --wave W, --namespaces K, --replicas R (default 1), --sample S (seconds, 5),
// --phases whole,trimmed, --no-record (leave BENCHMARKS.md alone). Run it under `nice -n 10` on a shared machine.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(__dirname, '..');
const now = () => performance.timeOrigin + performance.now();

// ---- options -----------------------------------------------------------------------------------------------------

interface Options {
  rollouts: number;
  minutes: number;
  wave: number;
  namespaces: number;
  replicas: number;
  sampleSeconds: number;
  phases: Array<'whole' | 'trimmed'>;
  record: boolean;
  profile: string;
}

function options(): Options {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      profile: { type: 'string', default: 'full' },
      rollouts: { type: 'string' },
      minutes: { type: 'string' },
      wave: { type: 'string' },
      namespaces: { type: 'string' },
      replicas: { type: 'string' },
      sample: { type: 'string' },
      phases: { type: 'string' },
      compare: { type: 'boolean', default: false },
      'no-record': { type: 'boolean', default: false },
    },
  });
  const short = values.profile === 'short';
  if (values.profile !== 'full' && !short) throw new Error(`--profile must be full or short, got ${values.profile}`);
  const rollouts = Number(values.rollouts ?? (short ? 1_000 : 10_000));
  const phases = (values.phases ?? (values.compare ? 'whole,trimmed' : 'trimmed')).split(',');
  for (const p of phases) if (p !== 'whole' && p !== 'trimmed') throw new Error(`--phases: whole or trimmed, got ${p}`);
  return {
    rollouts,
    minutes: Number(values.minutes ?? (short ? 2 : 10)),
    wave: Number(values.wave ?? Math.round(rollouts / 10)),
    namespaces: Number(values.namespaces ?? 100),
    replicas: Number(values.replicas ?? 1),
    sampleSeconds: Number(values.sample ?? 5),
    phases: phases as Options['phases'],
    record: !values['no-record'],
    profile: values.profile!,
  };
}

// ---- shared -----------------------------------------------------------------------------------------------------

interface CacheStats {
  namespaces: number;
  objects: Record<string, number>;
  jsonBytes: Record<string, number>;
  /** Heap growth from one deep copy of every cached object (≈ what the cache's objects take). */
  heapBytes: number;
}

interface WorkerSample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

interface ReconcileStats {
  passes: number;
  lastMs: number;
  maxMs: number;
  meanMs: number;
  lastActive: number;
  lastWoken: number;
  wokenTotal: number;
  lastSweepMs: number;
  maxSweepMs: number;
}

interface TickTally {
  ticks: number;
  commits: number;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

function ask<T>(child: ChildProcess, msg: object, reply: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`no ${reply} answer from child within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: unknown) => {
      if (typeof m !== 'object' || m === null || (m as { type?: string }).type !== reply) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(msg);
  });
}

function waitForMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${type} not reported within ${timeoutMs} ms`)), timeoutMs);
    const on = (m: unknown) => {
      if (typeof m !== 'object' || m === null || (m as { type?: string }).type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before reporting ${type}`));
    });
  });
}

// ---- child mode: the simulator -----------------------------------------------------------------------------------

async function simChild(): Promise<void> {
  const { startKubeSim, RESOURCE_KEYS } = await import('@cutover/kube-sim');
  const nodes = Number(process.env.HOLD_SIM_NODES ?? 3);
  const sim = await startKubeSim({ port: 0, nodes, timeScale: Number(process.env.HOLD_SIM_TIME_SCALE ?? 5), historySize: 200_000 });
  // The promote wave: the first write Cutover makes to each armed app's objects after it was armed.
  let armed = new Map<string, { ns: string; generations: Map<string, number> }>();
  let writes = new Map<string, number>();
  sim.store.subscribe((ev) => {
    if (armed.size === 0 || ev.type === 'DELETED') return;
    const o = ev.object as unknown as { metadata: { name: string; namespace?: string; generation?: number; labels?: Record<string, string> } };
    const app = o.metadata.labels?.['app.kubernetes.io/name'];
    if (!app) return;
    const a = armed.get(app);
    if (!a || a.ns !== o.metadata.namespace) return;
    const resource = ev.resource.resource;
    if (resource === 'deployments') {
      const before = a.generations.get(o.metadata.name);
      if (before !== undefined && before === (o.metadata.generation ?? 0)) return;
    } else if (resource !== 'services' && resource !== 'ingresses' && resource !== 'httproutes') {
      return;
    }
    writes.set(app, now());
    armed.delete(app);
  });
  process.on('message', (msg: { type: string; apps?: Array<{ app: string; ns: string }> }) => {
    if (msg.type === 'arm') {
      armed = new Map();
      writes = new Map();
      for (const { app, ns } of msg.apps ?? []) {
        const generations = new Map<string, number>();
        for (const name of [`${app}-stable`, `${app}-canary`, app]) {
          const d = sim.store.get(RESOURCE_KEYS.deployments, ns, name);
          if (d) generations.set(name, d.metadata.generation ?? 0);
        }
        armed.set(app, { ns, generations });
      }
      process.send?.({ type: 'armed' });
    }
    if (msg.type === 'writes') process.send?.({ type: 'writes', writes: Object.fromEntries(writes), pending: armed.size });
    if (msg.type === 'stop') void sim.stop().then(() => process.exit(0));
  });
  process.send?.({ type: 'sim-ready', url: sim.url, kubeconfig: sim.kubeconfig });
}

// ---- child mode: the worker --------------------------------------------------------------------------------------

async function workerChild(): Promise<void> {
  await import('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { loadConfig } = await import('@cutover/config');
  const { WorkerModule } = await import('../apps/worker/src/worker.module');
  const { ClusterGateways } = await import('../apps/worker/src/clusters/cluster-gateways.service');
  const { Reconciler } = await import('../apps/worker/src/reconciler/reconciler.service');
  const { DeploymentTickService } = await import('../apps/worker/src/ticks/deployment-tick.service');
  const trim = process.env.HOLD_TRIM !== '0';
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(process.env, 'worker'), { watch: { trim }, notifications: false }), { logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM']);
  await app.init();
  const gateways = app.get(ClusterGateways);
  const reconciler = app.get(Reconciler);
  const ticks = app.get(DeploymentTickService);
  const clusterId = process.env.HOLD_CLUSTER_ID!;
  const gc = (globalThis as { gc?: () => void }).gc;

  const watches = async () => {
    const g = await gateways.get(clusterId);
    return g.watchedNamespaces().map((ns) => g.watchNamespace(ns));
  };
  process.on('message', (msg: { type: string; namespaces?: number }) => {
    void (async () => {
      if (msg.type === 'memory') {
        const m = process.memoryUsage();
        const tally: TickTally = { ticks: 0, commits: 0 };
        for (const s of ticks.stats.values()) {
          tally.ticks += s.ticks;
          tally.commits += s.commits;
        }
        process.send?.({ type: 'memory', sample: { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }, reconcile: reconciler.stats(), tally });
      }
      if (msg.type === 'synced') {
        // Every namespace watched and listed once.
        const deadline = Date.now() + 600_000;
        let ws = await watches();
        while (ws.length < (msg.namespaces ?? 0)) {
          if (Date.now() > deadline) throw new Error(`only ${ws.length} namespaces watched`);
          await reconciler.reconcile();
          ws = await watches();
        }
        await Promise.all(ws.map((w) => w.synced));
        process.send?.({ type: 'synced', namespaces: ws.length });
      }
      if (msg.type === 'cache') {
        const ws = await watches();
        const objects: Record<string, number> = {};
        const jsonBytes: Record<string, number> = {};
        const copies: unknown[] = [];
        gc?.();
        const before = process.memoryUsage().heapUsed;
        for (const w of ws) {
          for (const [kind, list] of Object.entries(w.snapshot())) {
            for (const o of list as unknown[]) {
              const text = JSON.stringify(o);
              objects[kind] = (objects[kind] ?? 0) + 1;
              jsonBytes[kind] = (jsonBytes[kind] ?? 0) + Buffer.byteLength(text);
              copies.push(JSON.parse(text));
            }
          }
        }
        gc?.();
        const heapBytes = process.memoryUsage().heapUsed - before;
        copies.length = 0;
        gc?.();
        const stats: CacheStats = { namespaces: ws.length, objects, jsonBytes, heapBytes };
        process.send?.({ type: 'cache', stats });
      }
    })().catch((error: unknown) => process.send?.({ type: 'error', message: String(error) }));
  });
  process.send?.({ type: 'worker-ready' });
}

// ---- main --------------------------------------------------------------------------------------------------------

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const mb = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));
const load = () => os.loadavg().map((n) => n.toFixed(2)).join(' / ');
const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

interface PhaseResult {
  mode: 'whole' | 'trimmed';
  held: number;
  holdSeconds: number;
  samples: Array<{ t: number; rssMb: number; heapMb: number; simRssMb: number; load1: number }>;
  workerRssMb: { first: number; peak: number; last: number; firstThirdMean: number; lastThirdMean: number };
  rssDriftPct: number;
  simRssMbPeak: number;
  wave: { size: number; reactionMsP50: number; reactionMsP99: number; reactionMsMax: number; samples: number; missing: number; allSucceededSec: number; loadAtWave: string };
  reconcile: ReconcileStats;
  ticksDuringHold: number;
  commitsDuringHold: number;
  cache: CacheStats;
  cachePerDeployment: { objects: number; jsonBytes: number; heapBytes: number };
  loadAverage: string;
}

async function main(): Promise<void> {
  const o = options();
  const { migrate, dropDatabase } = (await import(path.join(root, 'scripts/migrate-lib.mjs'))) as {
    migrate: (x: { databaseUrl: string; createDatabase: boolean }) => Promise<void>;
    dropDatabase: (url: string) => Promise<void>;
  };
  const { createPrismaClient, SecretBox } = await import('@cutover/persistence');
  const { DeploymentQueue } = await import('@cutover/queue');
  const { initialDeploymentState, parseStrategyDocument } = await import('@cutover/domain');

  const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cutover');
  const dbName = `cutover_bench_hold_${randomBytes(3).toString('hex')}`;
  server.pathname = `/${dbName}`;
  const databaseUrl = server.toString();
  const prefix = `bench-hold-${randomBytes(3).toString('hex')}`;
  const secretKey = randomBytes(32).toString('hex');
  const started = Date.now();
  const log = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line} (load ${load()})\n`);
  log(`bench:hold: ${o.rollouts} canaries in ${o.namespaces} namespaces, replicas ${o.replicas}, hold ${o.minutes} min, wave ${o.wave}, phases ${o.phases.join(',')}`);

  await migrate({ databaseUrl, createDatabase: true });
  const prisma = createPrismaClient({ databaseUrl, poolSize: 8 });
  const queue = new DeploymentQueue({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
  let sim: ChildProcess | null = null;
  let worker: ChildProcess | null = null;
  const stopChild = async (child: ChildProcess | null, how: () => void) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    how();
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    // Simulator: its own process, enough nodes for every pod (110 pods a node) with room for a surge.
    const nodes = Math.max(3, Math.ceil((o.rollouts * (o.replicas + 1) * 1.5) / 100));
    sim = fork(__filename, ['sim'], { cwd: root, execArgv: ['-r', path.join(root, 'scripts/ts-register.cjs')], env: { ...process.env, HOLD_SIM_NODES: String(nodes) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const simInfo = await waitForMessage<{ url: string; kubeconfig: string }>(sim, 'sim-ready', 120_000);
    log(`simulator up (${nodes} nodes), pid ${sim.pid}`);

    const clusterId = randomUUID();
    await prisma.cluster.create({
      data: { id: clusterId, name: 'hold-sim', server: simInfo.url, authKind: 'kubeconfig', credentials: new Uint8Array(new SecretBox(Buffer.from(secretKey, 'hex')).sealJson({ kind: 'kubeconfig', kubeconfig: simInfo.kubeconfig }, `cluster:${clusterId}`)) },
    });
    const canaryDoc = { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }] };
    const parsed = parseStrategyDocument(canaryDoc);
    if (!parsed.ok) throw new Error('bad strategy document');
    const spec = (image: string) => ({
      podSpec: { containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent' }], initContainers: [], volumes: [], terminationGracePeriodSeconds: 0 },
      podLabels: {},
      podAnnotations: { 'sim.cutover.dev/ready-after': '0s' },
      hooks: { preDeploy: [] },
    });
    // One release per deploy: 1.0.0 (straight to serving), then one per phase (each holds at the pause).
    const versions = Array.from({ length: 2 + o.phases.length }, (_, i) => `${i + 1}.0.0`);
    type App = { app: string; appId: string; envId: string; ns: string; releases: string[]; version: number; deployment: string | null };
    const apps: App[] = Array.from({ length: o.rollouts }, (_, i) => ({ app: `h${i}`, appId: randomUUID(), envId: randomUUID(), ns: `hold-${i % o.namespaces}`, releases: versions.map(() => randomUUID()), version: -1, deployment: null }));
    const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
    for (const part of chunks(apps, 1_000)) {
      await prisma.application.createMany({ data: part.map((a) => ({ id: a.appId, name: a.app })) });
      await prisma.environment.createMany({ data: part.map((a) => ({ id: a.envId, applicationId: a.appId, name: 'prod', clusterId, namespace: a.ns, replicas: o.replicas, strategy: canaryDoc, servicePort: 80 })) });
      await prisma.release.createMany({
        data: part.flatMap((a) => versions.map((v, seq) => ({ id: a.releases[seq]!, applicationId: a.appId, version: v, seq: seq + 1, spec: spec(`hold/${a.app}:${v}`), digest: v, createdBy: 'bench' }))),
      });
    }
    log(`seeded ${apps.length} apps, ${apps.length * versions.length} releases`);

    /** Deploys each app's next release (one createMany per 1,000) and wakes it. */
    const deployNext = async (targets: App[]) => {
      for (const part of chunks(targets, 1_000)) {
        const rows = part.map((a) => {
          const next = a.version + 1;
          const previous = next > 0 ? versions[next - 1]! : null;
          const ctx = { app: a.app, environment: 'prod', release: versions[next]!, previousRelease: previous, kind: 'deploy' as const, replicas: o.replicas, strategy: parsed.value, preDeployHooks: [], podRequests: null };
          a.version = next;
          a.deployment = randomUUID();
          return { id: a.deployment, environmentId: a.envId, releaseId: a.releases[next]!, previousReleaseId: next > 0 ? a.releases[next - 1]! : null, strategy: parsed.value as object, phase: 'Pending', state: initialDeploymentState(ctx, Date.now()) as object, activeKey: a.envId, createdBy: 'bench' };
        });
        await prisma.deployment.createMany({ data: rows });
        for (const few of chunks(rows, 200)) await Promise.all(few.map((r) => queue.wake(r.id)));
      }
    };
    /** Until every one of these deployments is in `phase`; progress every 10 s, fail fast on a failure or no progress. */
    const waitPhase = async (targets: App[], phase: string, what: string, stallMs = 180_000) => {
      const ids = targets.map((a) => a.deployment!);
      let best = -1;
      let bestAt = Date.now();
      let lastLog = 0;
      for (;;) {
        const rows = await prisma.deployment.groupBy({ by: ['phase'], where: { id: { in: ids } }, _count: true });
        const byPhase = Object.fromEntries(rows.map((r) => [r.phase, r._count]));
        const done = byPhase[phase] ?? 0;
        // Progress: a deployment leaving Pending, or reaching the phase waited for.
        const score = ids.length - (phase === 'Pending' ? 0 : (byPhase.Pending ?? 0)) + done;
        if (done === ids.length) {
          log(`${what}: all ${ids.length} ${phase}`);
          return;
        }
        const bad = ['Failed', 'RolledBack', 'Aborted', 'RollingBack', 'Superseded'].filter((p) => byPhase[p]);
        if (bad.length > 0) {
          const one = await prisma.deployment.findFirst({ where: { id: { in: ids }, phase: { in: bad } }, select: { id: true, phase: true, failureReason: true } });
          throw new Error(`${what}: deployments ended ${bad.map((p) => `${p} ×${byPhase[p]}`).join(', ')}; e.g. ${one?.id}: ${one?.failureReason ?? '(no reason)'}`);
        }
        if (score > best) {
          best = score;
          bestAt = Date.now();
        } else if (Date.now() - bestAt > stallMs) {
          throw new Error(`${what}: no progress for ${stallMs / 1000} s (${JSON.stringify(byPhase)}; worker RSS ${worker?.pid ? mb(rssOf(worker.pid)) : '-'} MB)`);
        }
        if (Date.now() - lastLog >= 10_000) {
          lastLog = Date.now();
          log(`${what}: ${JSON.stringify(byPhase)}; worker RSS ${worker?.pid ? mb(rssOf(worker.pid)) : '-'} MB, simulator ${mb(rssOf(sim!.pid!))} MB`);
        }
        await new Promise((r) => setTimeout(r, 1_000));
      }
    };

    const startWorker = async (trim: boolean): Promise<ChildProcess> => {
      const env = {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CUTOVER_QUEUE_PREFIX: prefix,
        CUTOVER_SECRET_KEY: secretKey,
        WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '64',
        DATABASE_POOL_SIZE: process.env.BENCH_POOL ?? '32',
        KUBE_QPS: '1000',
        KUBE_BURST: '1000',
        LOG_LEVEL: 'error',
        HOLD_TRIM: trim ? '1' : '0',
        HOLD_CLUSTER_ID: clusterId,
      };
      const child = fork(__filename, ['worker'], { cwd: root, env, execArgv: ['--expose-gc', '-r', path.join(root, 'scripts/ts-register.cjs')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m: { type?: string; message?: string }) => {
        if (m?.type === 'error') process.stderr.write(`worker: ${m.message}\n`);
      });
      await waitForMessage(child, 'worker-ready', 180_000);
      return child;
    };

    const results: PhaseResult[] = [];
    for (const [index, cacheMode] of o.phases.entries()) {
      const trim = cacheMode === 'trimmed';
      worker = await startWorker(trim);
      log(`phase ${index + 1} (${cacheMode} objects in the watch cache): worker up, pid ${worker.pid}`);
      if (index === 0) {
        await deployNext(apps);
        await waitPhase(apps, 'Succeeded', 'first releases');
      }
      // Every app not holding at the pause deploys its next release (all of them in phase 1, the last wave's after).
      await deployNext(index === 0 ? apps : apps.slice(0, o.wave));
      await waitPhase(apps, 'Paused', 'held at the pause step');
      await ask(worker, { type: 'synced', namespaces: Math.min(o.namespaces, o.rollouts) }, 'synced', 600_000);
      log(`phase ${index + 1}: ${apps.length} held, watch caches synced; holding ${o.minutes} min`);

      const holdMs = o.minutes * 60_000;
      const t0 = Date.now();
      const samples: PhaseResult['samples'] = [];
      const base = await ask<{ tally: TickTally }>(worker, { type: 'memory' }, 'memory');
      const waveApps = apps.slice(0, o.wave);
      let wave: PhaseResult['wave'] | null = null;
      let waveRun: Promise<void> | null = null;
      let lastLog = 0;
      const runWave = async () => {
        const loadAtWave = load();
        await ask(sim!, { type: 'arm', apps: waveApps.map((a) => ({ app: a.app, ns: a.ns })) }, 'armed');
        const promotedAt = now();
        await prisma.deploymentCommand.createMany({ data: waveApps.map((a) => ({ deploymentId: a.deployment!, type: 'promote', actor: 'bench', reason: 'bench:hold wave' })) });
        for (const few of chunks(waveApps, 200)) await Promise.all(few.map((a) => queue.wake(a.deployment!)));
        log(`wave: ${waveApps.length} promotes written`);
        await waitPhase(waveApps, 'Succeeded', 'wave', 120_000);
        const allSucceededSec = (now() - promotedAt) / 1000;
        const { writes, pending } = await ask<{ writes: Record<string, number>; pending: number }>(sim!, { type: 'writes' }, 'writes');
        const reactions = Object.values(writes).map((t) => t - promotedAt);
        wave = {
          size: waveApps.length,
          reactionMsP50: Number(pct(reactions, 50).toFixed(1)),
          reactionMsP99: Number(pct(reactions, 99).toFixed(1)),
          reactionMsMax: Number(Math.max(...reactions).toFixed(1)),
          samples: reactions.length,
          missing: pending,
          allSucceededSec: Number(allSucceededSec.toFixed(2)),
          loadAtWave,
        };
        log(`wave: reaction p50 ${wave.reactionMsP50} ms, p99 ${wave.reactionMsP99} ms; all succeeded after ${wave.allSucceededSec} s`);
      };
      while (Date.now() - t0 < holdMs) {
        const m = await ask<{ sample: WorkerSample }>(worker, { type: 'memory' }, 'memory');
        const t = (Date.now() - t0) / 1000;
        samples.push({ t: Number(t.toFixed(1)), rssMb: mb(rssOf(worker.pid!)), heapMb: mb(m.sample.heapUsed), simRssMb: mb(rssOf(sim.pid!)), load1: Number(os.loadavg()[0]!.toFixed(2)) });
        if (!waveRun && Date.now() - t0 >= holdMs / 2 && o.wave > 0) waveRun = runWave();
        if (Date.now() - lastLog >= 30_000) {
          lastLog = Date.now();
          const s = samples[samples.length - 1]!;
          log(`hold ${t.toFixed(0)} s: worker RSS ${s.rssMb} MB (heap ${s.heapMb} MB), simulator ${s.simRssMb} MB`);
        }
        await new Promise((r) => setTimeout(r, o.sampleSeconds * 1_000));
      }
      await waveRun;
      const end = await ask<{ reconcile: ReconcileStats; tally: TickTally }>(worker, { type: 'memory' }, 'memory');
      const cache = (await ask<{ stats: CacheStats }>(worker, { type: 'cache' }, 'cache', 600_000)).stats;
      const held = apps.length - o.wave;
      const third = Math.max(1, Math.floor(samples.length / 3));
      const firstThird = mean(samples.slice(0, third).map((s) => s.rssMb));
      const lastThird = mean(samples.slice(-third).map((s) => s.rssMb));
      const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
      const result: PhaseResult = {
        mode: cacheMode,
        held: apps.length,
        holdSeconds: Number(((Date.now() - t0) / 1000).toFixed(0)),
        samples,
        workerRssMb: { first: samples[0]!.rssMb, peak: Math.max(...samples.map((s) => s.rssMb)), last: samples[samples.length - 1]!.rssMb, firstThirdMean: Number(firstThird.toFixed(1)), lastThirdMean: Number(lastThird.toFixed(1)) },
        rssDriftPct: Number((((lastThird - firstThird) / firstThird) * 100).toFixed(1)),
        simRssMbPeak: Math.max(...samples.map((s) => s.simRssMb)),
        wave: wave ?? { size: 0, reactionMsP50: NaN, reactionMsP99: NaN, reactionMsMax: NaN, samples: 0, missing: 0, allSucceededSec: NaN, loadAtWave: '' },
        reconcile: end.reconcile,
        ticksDuringHold: end.tally.ticks - base.tally.ticks,
        commitsDuringHold: end.tally.commits - base.tally.commits,
        cache,
        // After the wave: `held` deployments still hold, the wave's ended ones still own their objects.
        cachePerDeployment: { objects: Number((sum(cache.objects) / apps.length).toFixed(2)), jsonBytes: Math.round(sum(cache.jsonBytes) / apps.length), heapBytes: Math.round(cache.heapBytes / apps.length) },
        loadAverage: load(),
      };
      log(`phase ${index + 1} (${cacheMode}): RSS ${result.workerRssMb.firstThirdMean} → ${result.workerRssMb.lastThirdMean} MB (drift ${result.rssDriftPct}%), peak ${result.workerRssMb.peak} MB; cache ${JSON.stringify(result.cachePerDeployment)} per deployment (${held} still held)`);
      results.push(result);
      await stopChild(worker, () => worker!.kill('SIGTERM'));
      worker = null;
    }

    const at = new Date().toISOString();
    const lines: string[] = [];
    lines.push(`${o.rollouts} canaries (replicas ${o.replicas}, steps setWeight 50 → pause {}) in ${o.namespaces} namespaces, one worker (concurrency ${process.env.BENCH_CONCURRENCY ?? '64'}), hold ${o.minutes} min, promote wave of ${o.wave} at half-time; ${os.cpus().length} CPUs, node ${process.version}`);
    for (const r of results) {
      const kinds = Object.keys(r.cache.objects).filter((k) => r.cache.objects[k]! > 0);
      lines.push(`[${r.mode} objects in the watch cache]`);
      lines.push(`  worker RSS                        first ${r.workerRssMb.first} MB, peak ${r.workerRssMb.peak} MB, last ${r.workerRssMb.last} MB (target < 1024 MB ${r.workerRssMb.peak < 1024 ? '✅' : '❌'})`);
      lines.push(`  RSS drift (last vs first third)   ${r.workerRssMb.firstThirdMean} → ${r.workerRssMb.lastThirdMean} MB = ${r.rssDriftPct}% (target within ±5% ${Math.abs(r.rssDriftPct) <= 5 ? '✅' : '❌'})`);
      lines.push(`  promote wave reaction             p50 ${r.wave.reactionMsP50} ms, p99 ${r.wave.reactionMsP99} ms, max ${r.wave.reactionMsMax} ms (${r.wave.samples} of ${r.wave.size}; all Succeeded after ${r.wave.allSucceededSec} s; load ${r.wave.loadAtWave})`);
      lines.push(`  reconciler pass                   mean ${r.reconcile.meanMs} ms, max ${r.reconcile.maxMs} ms over ${r.reconcile.passes} passes; last pass: ${r.reconcile.lastActive} active, ${r.reconcile.lastWoken} woken; sweep (pass → its wakes sent) last ${r.reconcile.lastSweepMs} ms, max ${r.reconcile.maxSweepMs} ms`);
      lines.push(`  ticks during the hold             ${r.ticksDuringHold} (${(r.ticksDuringHold / r.holdSeconds).toFixed(1)}/s), commits ${r.commitsDuringHold}`);
      lines.push(`  watch cache                       ${kinds.map((k) => `${k} ${r.cache.objects[k]}`).join(', ')} in ${r.cache.namespaces} namespaces`);
      lines.push(`  per deployment                    ${r.cachePerDeployment.objects} objects, ${r.cachePerDeployment.jsonBytes} B JSON, ${r.cachePerDeployment.heapBytes} B heap (JSON per object: ${kinds.map((k) => `${k} ${Math.round(r.cache.jsonBytes[k]! / r.cache.objects[k]!)} B`).join(', ')})`);
      lines.push(`  simulator RSS                     peak ${r.simRssMbPeak} MB`);
      lines.push(`  load average at the end           ${r.loadAverage}`);
    }
    const text = lines.join('\n');
    process.stdout.write(`${text}\n`);
    const json = { bench: 'hold', at, profile: o.profile, rollouts: o.rollouts, namespaces: o.namespaces, replicas: o.replicas, minutes: o.minutes, wave: o.wave, phases: results.map(({ samples, ...r }) => ({ ...r, samples: samples.length })) };
    if (o.record) appendFileSync(path.join(root, 'BENCHMARKS.md'), `\n## bench:hold — ${at}\n\n\`\`\`\n${text}\n${JSON.stringify(json)}\n\`\`\`\n`);
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } finally {
    await stopChild(worker, () => worker!.kill('SIGTERM'));
    await stopChild(sim, () => sim!.send({ type: 'stop' }));
    await queue.queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await prisma.$disconnect();
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}

if (process.argv[2] === 'worker') {
  workerChild().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (process.argv[2] === 'sim') {
  simChild().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
