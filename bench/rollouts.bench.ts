// `npm run bench:rollouts`: canary rollouts (3 weight steps, no pauses) and blue/green ones at once, on the simulator
// with pods ready at once, one worker process. Prints wall time, control-plane overhead per step (from the
// simulator's Deployment becoming ready to Cutover's next write, p50/p99), Kubernetes requests per rollout, database
// statements per step, worker CPU seconds and peak RSS, where the worker's time went (summed per tick stage, and the
// time requests waited for the rate limit), and the time from a rollback command to the active Service selecting the
// old colour inside the warm window. Appends to BENCHMARKS.md; ends with one JSON line.
// BENCH_ROLLOUTS=1,20,200 (the default) runs waves one after the other in the same run: 1 canary + 1 blue/green,
// then 20 + 20 at once, then 200 + 200 (each wave deploys the next release of its apps); BENCH_CANARY /
// BENCH_BLUEGREEN instead give one wave of those counts. The worker runs with KUBE_QPS / KUBE_BURST =
// BENCH_KUBE_QPS / BENCH_KUBE_BURST (default 1000 / 1000: the simulator is a local process; the production default
// is 50 / 100), WORKER_CONCURRENCY = BENCH_CONCURRENCY (64) and DATABASE_POOL_SIZE = BENCH_POOL (32).
// BENCH_PROFILE=<file> writes a CPU profile of the worker (the last wave); BENCH_SQL=1 tallies its SQL statements;
// BENCH_NO_RECORD=1 leaves BENCHMARKS.md alone. BENCH_ANALYSIS=200 adds the analysis part (bench/rollouts-analysis.ts):
// that many canaries with a background Prometheus analysis at 1 s, against a real Prometheus.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestPrometheus } from '../apps/worker/test/prometheus.testing';
import { ANALYSIS_CANARIES, analysisCanaryDoc, runAnalysisPhase, startBenchPrometheus, type AnalysisStats } from './rollouts-analysis';
import { loadNote, scaledProgressDeadlineSeconds, waitForWave } from './waves.testing';

const root = path.resolve(__dirname, '..');
interface Wave {
  canary: number;
  blueGreen: number;
}
const WAVES: Wave[] = process.env.BENCH_ROLLOUTS
  ? process.env.BENCH_ROLLOUTS.split(',').map((n) => ({ canary: Number(n), blueGreen: Number(n) }))
  : process.env.BENCH_CANARY || process.env.BENCH_BLUEGREEN
    ? [{ canary: Number(process.env.BENCH_CANARY ?? 200), blueGreen: Number(process.env.BENCH_BLUEGREEN ?? 200) }]
    : [1, 20, 200].map((n) => ({ canary: n, blueGreen: n }));
const CANARY = Math.max(...WAVES.map((w) => w.canary));
const BLUEGREEN = Math.max(...WAVES.map((w) => w.blueGreen));
const KUBE_QPS = process.env.BENCH_KUBE_QPS ?? '1000';
const KUBE_BURST = process.env.BENCH_KUBE_BURST ?? '1000';
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 2);
const ROLLBACKS = Number(process.env.BENCH_ROLLBACKS ?? 5);
const TIME_SCALE = 50;
// Kubernetes' progress deadline in simulator seconds: at least 2 minutes of real time (a loaded machine needs them).
const PROGRESS_DEADLINE_SECONDS = scaledProgressDeadlineSeconds(TIME_SCALE);

interface WorkerStats {
  cpuSeconds: number;
  peakRssMb: number;
  statements: number;
  requestsByDeployment: Record<string, { ticks: number; commits: number; statusCommits: number; deferred: number; requests: number }>;
  totalRequests: number;
  /** Per stage: count, summed ms, max ms (ticks, queue wait, wake). */
  timings: Record<string, { count: number; totalMs: number; maxMs: number }>;
  rateLimitWaitMs: number;
  analysis: AnalysisStats;
}

// ---- child mode: the worker --------------------------------------------------------------------------------------

async function workerChild(): Promise<void> {
  // Count every statement the worker sends to Postgres (Prisma's pg adapter goes through pg.Client#query).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
  let statements = 0;
  // BENCH_SQL=1: which statements those are (their first words), printed with each wave's figures.
  const bySql = new Map<string, number>();
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    statements += 1;
    if (process.env.BENCH_SQL) {
      const a = args[0] as string | { text?: string };
      const text = (typeof a === 'string' ? a : (a?.text ?? '')).replace(/\s+/g, ' ').slice(0, 60);
      bySql.set(text, (bySql.get(text) ?? 0) + 1);
    }
    return query.apply(this, args);
  };
  await import('reflect-metadata');
  const { NestFactory } = await import('@nestjs/core');
  const { loadConfig } = await import('@cutover/config');
  const { WorkerModule } = await import('../apps/worker/src/worker.module');
  const { DeploymentTickService } = await import('../apps/worker/src/ticks/deployment-tick.service');
  const { ClusterGateways } = await import('../apps/worker/src/clusters/cluster-gateways.service');
  const { WakeRouter } = await import('../apps/worker/src/watches/wake-router.service');
  const { AnalysisRunner } = await import('../apps/worker/src/analysis/analysis-runner.service');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(process.env, 'worker')), { logger: process.env.BENCH_WARN ? ['error', 'warn'] : ['error'] });
  app.enableShutdownHooks(['SIGTERM']);
  await app.init();
  const ticks = app.get(DeploymentTickService);
  const gateways = app.get(ClusterGateways);
  const router = app.get(WakeRouter);
  const analysis = app.get(AnalysisRunner);
  let rateLimitWaitBase = 0;
  // BENCH_PROFILE=<file>: a CPU profile of the measured phase (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE;
  const inspector = profile ? new (await import('node:inspector')).Session() : null;
  const post = (method: string) => new Promise<unknown>((resolve, reject) => inspector!.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  if (inspector) {
    inspector.connect();
    await post('Profiler.enable');
  }
  process.on('message', (msg: string) => {
    if (msg === 'reset' && inspector) void post('Profiler.start');
    if (msg === 'stats' && inspector) {
      void post('Profiler.stop').then(async (res) => {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(profile!, JSON.stringify((res as { profile: unknown }).profile));
      });
    }
    if (msg === 'reset') {
      statements = 0;
      bySql.clear();
      ticks.stats.clear();
      ticks.timings.clear();
      router.timings.clear();
      Object.assign(analysis.stats, { measurements: 0, lagsMs: [], answerMs: [] });
      void gateways.rateLimitWaitMs().then((waited) => {
        rateLimitWaitBase = waited;
        process.send?.({ reset: true, cpu: process.cpuUsage() });
      });
      return;
    }
    if (msg !== 'stats') return;
    if (process.env.BENCH_SQL) for (const [text, n] of [...bySql].sort((a, b) => b[1] - a[1])) process.stderr.write(`${String(n).padStart(7)}  ${text}\n`);
    void Promise.all([gateways.totalRequests(), gateways.rateLimitWaitMs()]).then(([totalRequests, waited]) => {
      const cpu = process.cpuUsage();
      const stats: WorkerStats = {
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        statements,
        requestsByDeployment: Object.fromEntries(ticks.stats),
        totalRequests,
        timings: { ...ticks.timings.snapshot(), ...router.timings.snapshot() },
        rateLimitWaitMs: waited - rateLimitWaitBase,
        analysis: { ...analysis.stats },
      };
      process.send?.(stats);
    });
  });
  process.send?.('ready');
}

// ---- main mode ---------------------------------------------------------------------------------------------------

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function ask<T>(child: ChildProcess, msg: string, pick: (m: unknown) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (!pick(m)) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function main(): Promise<void> {
  const { migrate, dropDatabase } = (await import(path.join(root, 'scripts/migrate-lib.mjs'))) as {
    migrate: (o: { databaseUrl: string; createDatabase: boolean }) => Promise<void>;
    dropDatabase: (url: string) => Promise<void>;
  };
  const { startKubeSim, RESOURCE_KEYS } = await import('@cutover/kube-sim');
  const { createPrismaClient, SecretBox } = await import('@cutover/persistence');
  const { DeploymentQueue } = await import('@cutover/queue');
  const { initialDeploymentState, parseStrategyDocument } = await import('@cutover/domain');

  const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cutover');
  const dbName = `cutover_bench_rollouts_${randomBytes(3).toString('hex')}`;
  server.pathname = `/${dbName}`;
  const databaseUrl = server.toString();
  const prefix = `bench-rollouts-${randomBytes(3).toString('hex')}`;
  const secretKey = randomBytes(32).toString('hex');
  await migrate({ databaseUrl, createDatabase: true });
  const sim = await startKubeSim({ port: 0, nodes: Math.max(3, Math.ceil(((CANARY + BLUEGREEN + ANALYSIS_CANARIES) * REPLICAS * 3) / 100)), timeScale: TIME_SCALE, historySize: 500_000 });
  const prisma = createPrismaClient({ databaseUrl, poolSize: 8 });
  const queue = new DeploymentQueue({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix });
  const env = { ...process.env, DATABASE_URL: databaseUrl, CUTOVER_QUEUE_PREFIX: prefix, CUTOVER_SECRET_KEY: secretKey, WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '64', RECONCILE_INTERVAL_MS: '10000', DATABASE_POOL_SIZE: process.env.BENCH_POOL ?? '32', KUBE_QPS, KUBE_BURST, LOG_LEVEL: 'error' };
  let child: ChildProcess | null = null;
  let prom: TestPrometheus | null = null;

  try {
    const clusterId = randomUUID();
    await prisma.cluster.create({
      data: { id: clusterId, name: 'bench-sim', server: sim.url, authKind: 'kubeconfig', credentials: new Uint8Array(new SecretBox(Buffer.from(secretKey, 'hex')).sealJson({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig }, `cluster:${clusterId}`)) },
    });
    const spec = (image: string) => ({
      podSpec: { containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent' }], initContainers: [], volumes: [], terminationGracePeriodSeconds: 0 },
      podLabels: {},
      podAnnotations: { 'sim.cutover.dev/ready-after': '0s' },
      hooks: { preDeploy: [] },
    });
    const deadline = { progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS };
    const canaryDoc = { type: 'Canary', steps: [{ setWeight: 25 }, { setWeight: 50 }, { setWeight: 75 }], ...deadline };
    const bgDoc = { type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 0, scaleDownDelaySeconds: 0, ...deadline };
    const warmDoc = { type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 0, scaleDownDelaySeconds: 120, ...deadline };
    type App = { app: string; appId: string; envId: string; ns: string; doc: unknown; first?: string; second?: string; version: number };
    // Release n.0.0 for n = 1 .. waves + 1: every wave deploys the next release of the apps it includes.
    const versions = Array.from({ length: WAVES.length + 1 }, (_, i) => `${i + 1}.0.0`);
    const apps: App[] = [];
    const plan = [
      ...Array.from({ length: CANARY }, (_, i) => ({ app: `c${i}`, doc: canaryDoc })),
      ...Array.from({ length: BLUEGREEN }, (_, i) => ({ app: `b${i}`, doc: bgDoc })),
      ...Array.from({ length: ROLLBACKS }, (_, i) => ({ app: `w${i}`, doc: warmDoc })),
    ];
    if (ANALYSIS_CANARIES > 0) {
      prom = await startBenchPrometheus(ANALYSIS_CANARIES);
      const url = prom.url;
      plan.push(...Array.from({ length: ANALYSIS_CANARIES }, (_, i) => ({ app: `a${i}`, doc: analysisCanaryDoc(url, `a${i}`) as typeof canaryDoc })));
    }
    for (const p of plan) {
      const a = await prisma.application.create({ data: { name: p.app } });
      const e = await prisma.environment.create({ data: { applicationId: a.id, name: 'prod', clusterId, namespace: 'bench', replicas: REPLICAS, strategy: p.doc as object, servicePort: 80 } });
      for (const [seq, v] of versions.entries()) {
        await prisma.release.create({ data: { applicationId: a.id, version: v, seq: seq + 1, spec: spec(`bench/${p.app}:${v}`), digest: v, createdBy: 'bench' } });
      }
      apps.push({ app: p.app, appId: a.id, envId: e.id, ns: 'bench', doc: p.doc, version: 1 });
    }
    const deploy = async (a: App, version: string, previous: string | null): Promise<string> => {
      const release = await prisma.release.findUniqueOrThrow({ where: { applicationId_version: { applicationId: a.appId, version } } });
      const prev = previous ? await prisma.release.findUniqueOrThrow({ where: { applicationId_version: { applicationId: a.appId, version: previous } } }) : null;
      const parsed = parseStrategyDocument(a.doc);
      if (!parsed.ok) throw new Error('bad strategy');
      const ctx = { app: a.app, environment: 'prod', release: version, previousRelease: previous, kind: 'deploy' as const, replicas: REPLICAS, strategy: parsed.value, preDeployHooks: [], podRequests: null };
      const id = randomUUID();
      await prisma.deployment.create({
        data: { id, environmentId: a.envId, releaseId: release.id, previousReleaseId: prev?.id ?? null, strategy: parsed.value as object, phase: 'Pending', state: initialDeploymentState(ctx, Date.now()) as object, activeKey: a.envId, createdBy: 'bench' },
      });
      await queue.wake(id);
      return id;
    };
    // Fails at once when a deployment ends otherwise, or when nothing moves for 2 minutes (with the load average).
    const allDone = (ids: string[], phases: string[], timeoutMs: number, label = `${ids.length} deployments`): Promise<void> =>
      waitForWave({
        label,
        phases,
        timeoutMs,
        read: () => prisma.deployment.findMany({ where: { id: { in: ids } }, select: { id: true, phase: true, version: true, failureReason: true } }),
      });

    child = fork(__filename, ['worker'], { cwd: root, env, execArgv: ['-r', path.join(root, 'scripts/ts-register.cjs')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child!.once('message', () => resolve());
      child!.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
    });

    process.stdout.write(`seeded ${apps.length} apps; first releases (straight to serving; progress deadline ${PROGRESS_DEADLINE_SECONDS} s at time scale ${TIME_SCALE}); ${loadNote()}...\n`);
    for (const a of apps) a.first = await deploy(a, '1.0.0', null);
    await allDone(apps.map((a) => a.first!), ['Succeeded'], 600_000, `first releases of ${apps.length} apps`);

    // Overhead: a Deployment of an app becomes ready → the next write Cutover makes to that app's objects.
    let readyAt = new Map<string, number>();
    let overheads: number[] = [];
    const readyKey = (o: { metadata: { labels?: Record<string, string> } }) => o.metadata.labels?.['app.kubernetes.io/name'];
    const isReady = (o: { spec?: Record<string, unknown>; status?: Record<string, unknown>; metadata: { generation?: number } }) => {
      const s = o.status ?? {};
      const replicas = (o.spec?.replicas as number) ?? 1;
      return s.observedGeneration === o.metadata.generation && s.updatedReplicas === replicas && s.availableReplicas === replicas && (s.replicas ?? 0) === replicas;
    };
    const lastGen = new Map<string, number>();
    const lastReady = new Map<string, boolean>();
    let measuring = false;
    const unsubscribe = sim.store.subscribe((ev) => {
      if (!measuring || ev.type === 'DELETED') return;
      const o = ev.object as unknown as { metadata: { name: string; generation?: number; labels?: Record<string, string> }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
      const app = readyKey(o);
      if (!app || o.metadata.labels?.['app.kubernetes.io/managed-by'] !== 'cutover') return;
      const now = performance.now();
      const key = `${ev.resource.resource}/${o.metadata.name}`;
      if (ev.resource.resource === 'deployments') {
        const gen = o.metadata.generation ?? 0;
        const wrote = gen !== (lastGen.get(key) ?? gen);
        lastGen.set(key, gen);
        const ready = isReady(o);
        if (ready && !lastReady.get(key) && !wrote) readyAt.set(app, now);
        lastReady.set(key, ready);
        if (!wrote) return;
      } else if (ev.resource.resource !== 'services' && ev.resource.resource !== 'ingresses' && ev.resource.resource !== 'httproutes') {
        return;
      }
      const since = readyAt.get(app);
      if (since !== undefined) {
        overheads.push(now - since);
        readyAt.delete(app);
      }
    });

    const ms = (n: number) => Number(n.toFixed(1));
    const runWave = async (wave: Wave) => {
      const measured = [...apps.filter((a) => a.app.startsWith('c')).slice(0, wave.canary), ...apps.filter((a) => a.app.startsWith('b')).slice(0, wave.blueGreen)];
      readyAt = new Map();
      overheads = [];
      const base = await ask<{ cpu: NodeJS.CpuUsage }>(child!, 'reset', (m) => typeof m === 'object' && m !== null && 'reset' in m);
      const loadAtStart = os.loadavg()[0]!;
      measuring = true;
      const simCpu = process.cpuUsage();
      const started = performance.now();
      await Promise.all(
        measured.map(async (a) => {
          a.second = await deploy(a, versions[a.version]!, versions[a.version - 1]!);
          a.version += 1;
        }),
      );
      await allDone(measured.map((a) => a.second!), ['Succeeded'], 900_000, `wave ${wave.canary} canary + ${wave.blueGreen} blue/green`);
      const wallSeconds = (performance.now() - started) / 1000;
      const simCpuUsed = process.cpuUsage(simCpu);
      measuring = false;
      const stats = await ask<WorkerStats>(child!, 'stats', (m) => typeof m === 'object' && m !== null && 'statements' in m);

      const rollouts = measured.length;
      const perDeployment = measured.map((a) => stats.requestsByDeployment[a.second!] ?? { ticks: 0, commits: 0, statusCommits: 0, deferred: 0, requests: 0 });
      const requests = perDeployment.reduce((n, d) => n + d.requests, 0);
      const commits = perDeployment.reduce((n, d) => n + d.commits, 0);
      // A step is a decision committed; status-only commits (at most one per STATUS_COMMIT_INTERVAL) are counted apart.
      const statusCommits = perDeployment.reduce((n, d) => n + d.statusCommits, 0);
      const deferred = perDeployment.reduce((n, d) => n + d.deferred, 0);
      const steps = Math.max(1, commits - statusCommits);
      const ticks = perDeployment.reduce((n, d) => n + d.ticks, 0);
      const cpuSeconds = stats.cpuSeconds - (base.cpu.user + base.cpu.system) / 1e6;
      // Mean and max per stage: waiting (queueWait, wake, the rate limit) against working (the tick's stages).
      const breakdown = Object.fromEntries(Object.entries(stats.timings).map(([k, t]) => [k, { meanMs: ms(t.totalMs / t.count), maxMs: ms(t.maxMs), count: t.count }]));
      const result = {
        canary: wave.canary,
        blueGreen: wave.blueGreen,
        wallSeconds: Number(wallSeconds.toFixed(2)),
        overheadMsP50: ms(pct(overheads, 50)),
        overheadMsP99: ms(pct(overheads, 99)),
        overheadSamples: overheads.length,
        k8sRequestsPerRollout: Number((requests / rollouts).toFixed(2)),
        k8sRequestsPerStep: Number((requests / steps).toFixed(2)),
        k8sRequestsTotalInclWatches: stats.totalRequests,
        rateLimitWaitMsPerRequest: ms(stats.rateLimitWaitMs / Math.max(1, requests)),
        dbStatementsPerStep: Number((stats.statements / steps).toFixed(1)),
        dbStatementsPerCommit: Number((stats.statements / Math.max(1, commits)).toFixed(1)),
        ticksPerRollout: Number((ticks / rollouts).toFixed(2)),
        stepsPerRollout: Number((steps / rollouts).toFixed(2)),
        versionsPerRollout: Number((commits / rollouts).toFixed(2)),
        statusCommitsPerRollout: Number((statusCommits / rollouts).toFixed(2)),
        deferredPerRollout: Number((deferred / rollouts).toFixed(2)),
        workerCpuSeconds: Number(cpuSeconds.toFixed(2)),
        workerPeakRssMb: Number(stats.peakRssMb.toFixed(0)),
        simulatorCpuSeconds: Number(((simCpuUsed.user + simCpuUsed.system) / 1e6).toFixed(2)),
        loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
        loadAverageAtStart: Number(loadAtStart.toFixed(2)),
        breakdown,
      };
      const stage = (k: string) => (breakdown[k] ? `${k} ${breakdown[k].meanMs}/${breakdown[k].maxMs}` : `${k} -`);
      const lines = [
        `rollouts: ${wave.canary} canary + ${wave.blueGreen} blue/green at once, ${REPLICAS} replicas, one worker (KUBE_QPS ${KUBE_QPS}, burst ${KUBE_BURST}, STATUS_COMMIT_INTERVAL ${process.env.STATUS_COMMIT_INTERVAL ?? "1s"})`,
        `  wall time                         ${result.wallSeconds} s`,
        `  overhead per step (ready → write) p50 ${result.overheadMsP50} ms, p99 ${result.overheadMsP99} ms (${overheads.length} samples)`,
        `  Kubernetes requests               ${result.k8sRequestsPerRollout} per rollout, ${result.k8sRequestsPerStep} per step (watches and lists: ${stats.totalRequests} in all)`,
        `  rate limit wait                   ${result.rateLimitWaitMsPerRequest} ms per request`,
        `  worker stages, mean/max ms        ${['wake', 'queueWait', 'tick', 'load', 'observe', 'commit', 'effects', 'publish'].map(stage).join(', ')}`,
        `  database statements               ${result.dbStatementsPerStep} per step, ${result.dbStatementsPerCommit} per commit (${result.stepsPerRollout} steps + ${result.statusCommitsPerRollout} status-only = ${result.versionsPerRollout} versions, ${result.deferredPerRollout} status writes deferred, ${result.ticksPerRollout} ticks per rollout)`,
        `  worker                            ${result.workerCpuSeconds} CPU s, peak RSS ${result.workerPeakRssMb} MB`,
        `  simulator + this process          ${result.simulatorCpuSeconds} CPU s; machine load average ${result.loadAverageAtStart} at the start, ${result.loadAverage} at the end, on ${os.cpus().length} CPUs`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      return { result, lines };
    };
    const waves: Array<Awaited<ReturnType<typeof runWave>>> = [];
    for (const wave of WAVES) waves.push(await runWave(wave));
    unsubscribe();

    // Fast rollback inside the warm window (the api's POST writes the command row and wakes the queue: the same here).
    const warm = apps.filter((a) => a.app.startsWith('w'));
    const rollbackMs: number[] = [];
    for (const a of warm) {
      const old = (sim.store.get(RESOURCE_KEYS.services, 'bench', a.app)!.spec as { selector: Record<string, string> }).selector['cutover.dev/role'];
      const id = await deploy(a, '2.0.0', '1.0.0');
      const deadline = Date.now() + 60_000;
      while ((sim.store.get(RESOURCE_KEYS.services, 'bench', a.app)!.spec as { selector: Record<string, string> }).selector['cutover.dev/role'] === old) {
        if (Date.now() > deadline) throw new Error('blue/green switch did not happen');
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      const flipped = new Promise<number>((resolve) => {
        const off = sim.store.subscribe((ev) => {
          const o = ev.object as unknown as { metadata: { name: string }; spec?: { selector?: Record<string, string> } };
          if (ev.resource.resource === 'services' && o.metadata.name === a.app && o.spec?.selector?.['cutover.dev/role'] === old) {
            off();
            resolve(performance.now() - t0);
          }
        });
      });
      await prisma.deploymentCommand.create({ data: { deploymentId: id, type: 'rollback', actor: 'bench', reason: 'bench' } });
      await queue.wake(id);
      rollbackMs.push(await flipped);
    }

    let analysisPhase: Awaited<ReturnType<typeof runAnalysisPhase>> | null = null;
    if (ANALYSIS_CANARIES > 0) {
      const analysed = apps.filter((a) => a.app.startsWith('a'));
      analysisPhase = await runAnalysisPhase({
        deployAll: () =>
          Promise.all(
            analysed.map(async (a) => {
              const id = await deploy(a, versions[a.version]!, versions[a.version - 1]!);
              a.version += 1;
              return id;
            }),
          ),
        allDone,
        reset: async () => (await ask<{ cpu: NodeJS.CpuUsage }>(child!, 'reset', (m) => typeof m === 'object' && m !== null && 'reset' in m)).cpu,
        stats: async () => {
          const s = await ask<WorkerStats>(child!, 'stats', (m) => typeof m === 'object' && m !== null && 'statements' in m);
          return { cpuSeconds: s.cpuSeconds, analysis: s.analysis };
        },
      });
    }

    // The top-level figures are the largest wave's (comparable with earlier entries); `waves` holds every wave.
    const main = waves.reduce((a, b) => (b.result.canary + b.result.blueGreen > a.result.canary + a.result.blueGreen ? b : a));
    const result = {
      bench: 'rollouts',
      at: new Date().toISOString(),
      replicas: REPLICAS,
      kubeQps: Number(KUBE_QPS),
      kubeBurst: Number(KUBE_BURST),
      ...main.result,
      fastRollbackMsP50: ms(pct(rollbackMs, 50)),
      fastRollbackMsMax: ms(Math.max(...rollbackMs)),
      waves: waves.map((w) => w.result),
      ...(analysisPhase ? { analysis: analysisPhase.result } : {}),
      machine: `${os.cpus().length} cpu, node ${process.version}`,
    };
    const rollbackLine = `fast rollback (warm window)         p50 ${result.fastRollbackMsP50} ms, max ${result.fastRollbackMsMax} ms (${rollbackMs.length} samples)`;
    process.stdout.write(`${rollbackLine}\n`);
    if (process.env.BENCH_NO_RECORD !== '1') {
      const file = path.join(root, 'BENCHMARKS.md');
      if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n\nAppended by `npm run bench:*`; the last line of each entry is the JSON the run printed.\n');
      const text = [...waves.flatMap((w) => w.lines), rollbackLine, ...(analysisPhase?.lines ?? [])].join('\n');
      appendFileSync(file, `\n## bench:rollouts — ${result.at}\n\n\`\`\`\n${text}\n${JSON.stringify(result)}\n\`\`\`\n`);
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await queue.queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await prisma.$disconnect();
    await sim.stop();
    await prom?.stop();
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}

if (process.argv[2] === 'worker') {
  workerChild().catch((error: unknown) => {
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
