// `npm run bench:scale [-- --profile short|full] [--workers 1,2,4] [--no-record]`: scale out. The same wave (full: 200
// canary + 200 blue/green rollouts at once; short: 20 + 20) with 1, 2 and 4 worker processes behind 2 api processes,
// every part its own process (test/chaos/chaos-stack.ts, from dist/): a private Postgres cluster and Redis (so their
// CPU is theirs alone), the simulator, the apis, the workers. Per worker count it reports:
//   reaction p50/p99      cutover_reaction_seconds of all workers (a watch event → the decision it led to, committed),
//                         quantiles interpolated inside the histogram's buckets like Prometheus' histogram_quantile
//   wall time, throughput the wave's first POST → every deployment Succeeded; rollouts per second
//   CPU per rollout       the worker processes' /proc/<pid>/stat utime+stime; Postgres (postmaster + backends, and the
//                         backends that exited: the postmaster's cutime), Redis, simulator and apis apart
//   Kubernetes requests   cutover_kube_requests_total (reads and writes; watches are apart) per step
//   database statements   per step, counted in the workers by a preload that tallies pg.Client#query (Prisma's pg
//                         adapter sends every statement through it), and Postgres' own xact_commit for the whole
//                         database (apis and this bench's polling included)
// A step is a decision committed (cutover_commits_total{kind="decision"}); status-only commits are counted apart.
// Every figure carries the machine's load average. A wave that cannot finish (a deployment ends otherwise, or nothing
// moves for 2 minutes) stops the bench at once with the reason. Appends to BENCHMARKS.md unless --no-record.
// SCALE_NO_BUILD=1 skips `npm run build` (dist/ must be current); BENCH_RECONCILE_INTERVAL_MS (default 30000, the
// product's default) sets the workers' reconciler period.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChaosClient, releaseBody } from '../test/chaos/chaos-client';
import { build, freePort, log, productEnv, root, spawnWorker, startApi, startPostgres, startRedis, startSim, stopStarted, type Proc } from '../test/chaos/chaos-stack';
import { loadNote, scaledProgressDeadlineSeconds, waitForWave, type WaveRow } from './waves.testing';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const PROFILES: Record<string, { canary: number; blueGreen: number }> = { short: { canary: 20, blueGreen: 20 }, full: { canary: 200, blueGreen: 200 } };
const profileName = arg('profile') ?? 'full';
const PROFILE = PROFILES[profileName];
const WORKER_COUNTS = (arg('workers') ?? '1,2,4').split(',').map(Number);
const TIME_SCALE = 50;
const REPLICAS = 2;
const CLK_TCK = 100;
const RECONCILE_INTERVAL_MS = Number(process.env.BENCH_RECONCILE_INTERVAL_MS ?? 30_000);
const DEADLINE = scaledProgressDeadlineSeconds(TIME_SCALE);
const TARGETS = { reactionP99Ms: profileName === 'short' ? 100 : 250, speedup2: 1.6, kubePerStep: 1, sqlPerStep: 2 };

// ---- /proc ------------------------------------------------------------------------------------------------------

/** utime+stime of the process itself and of its reaped children (seconds), or null when it is gone. */
function cpuOf(pid: number): { self: number; reaped: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), self: (Number(rest[11]) + Number(rest[12])) / CLK_TCK, reaped: (Number(rest[13]) + Number(rest[14])) / CLK_TCK };
  } catch {
    return null;
  }
}

/** A process and everything it forked (live children's own time, the dead ones' through the parent's cutime). */
function treeCpu(pid: number): number {
  const top = cpuOf(pid);
  if (!top) return 0;
  let total = top.self + top.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const c = cpuOf(Number(entry));
    if (c && c.ppid === pid) total += c.self;
  }
  return total;
}

// ---- worker metrics ---------------------------------------------------------------------------------------------

interface Scrape {
  buckets: Map<number, number>;
  reactionCount: number;
  kubeRequests: number;
  decisions: number;
  statusCommits: number;
  deferrals: number;
}

async function scrape(port: number): Promise<Scrape> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const s: Scrape = { buckets: new Map(), reactionCount: 0, kubeRequests: 0, decisions: 0, statusCommits: 0, deferrals: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const le = /^cutover_reaction_seconds_bucket\{le="([^"]+)"\}/.exec(line);
    if (le) s.buckets.set(le[1] === '+Inf' ? Infinity : Number(le[1]), value);
    else if (line.startsWith('cutover_reaction_seconds_count')) s.reactionCount = value;
    else if (line.startsWith('cutover_kube_requests_total{')) s.kubeRequests += value;
    else if (line.startsWith('cutover_commits_total{kind="decision"}')) s.decisions = value;
    else if (line.startsWith('cutover_commits_total{kind="status"}')) s.statusCommits = value;
    else if (line.startsWith('cutover_status_deferrals_total')) s.deferrals = value;
  }
  return s;
}

function sum(scrapes: Scrape[]): Scrape {
  const out: Scrape = { buckets: new Map(), reactionCount: 0, kubeRequests: 0, decisions: 0, statusCommits: 0, deferrals: 0 };
  for (const s of scrapes) {
    for (const [le, n] of s.buckets) out.buckets.set(le, (out.buckets.get(le) ?? 0) + n);
    out.reactionCount += s.reactionCount;
    out.kubeRequests += s.kubeRequests;
    out.decisions += s.decisions;
    out.statusCommits += s.statusCommits;
    out.deferrals += s.deferrals;
  }
  return out;
}

function minus(a: Scrape, b: Scrape): Scrape {
  const buckets = new Map<number, number>();
  for (const [le, n] of a.buckets) buckets.set(le, n - (b.buckets.get(le) ?? 0));
  return { buckets, reactionCount: a.reactionCount - b.reactionCount, kubeRequests: a.kubeRequests - b.kubeRequests, decisions: a.decisions - b.decisions, statusCommits: a.statusCommits - b.statusCommits, deferrals: a.deferrals - b.deferrals };
}

/** Prometheus' histogram_quantile: linear inside the bucket that holds the q-th observation (ms). */
function quantileMs(buckets: Map<number, number>, q: number): number {
  const sorted = [...buckets].sort((x, y) => x[0] - y[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return prevLe * 1000;
      return (prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount)) * 1000;
    }
    prevLe = le;
    prevCount = count;
  }
  return NaN;
}

/** The share of reactions at or under `ms` (a bucket bound), so a target on a bound is read exactly. */
function shareUnder(buckets: Map<number, number>, ms: number): number {
  const total = Math.max(...buckets.values(), 0);
  return total === 0 ? NaN : (buckets.get(ms / 1000) ?? NaN) / total;
}

// ---- the bench --------------------------------------------------------------------------------------------------

interface Result {
  workers: number;
  canary: number;
  blueGreen: number;
  wallSeconds: number;
  rolloutsPerSecond: number;
  reactionMsP50: number;
  reactionMsP99: number;
  reactionSamples: number;
  reactionShareUnderTarget: number;
  workerCpuSecondsPerRollout: number;
  workerCpuSeconds: number;
  postgresCpuSeconds: number;
  redisCpuSeconds: number;
  simulatorCpuSeconds: number;
  apiCpuSeconds: number;
  kubeRequestsPerStep: number;
  workerStatementsPerStep: number;
  dbTransactionsPerStep: number;
  stepsPerRollout: number;
  statusCommitsPerRollout: number;
  deferralsPerRollout: number;
  loadAverageStart: number;
  loadAverageEnd: number;
}

async function main(): Promise<void> {
  if (!PROFILE) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
  if (WORKER_COUNTS.some((n) => !Number.isInteger(n) || n < 1 || n > 8)) throw new Error('--workers takes counts from 1 to 8, e.g. 1,2,4');
  const rollouts = PROFILE.canary + PROFILE.blueGreen;
  const record = !process.argv.includes('--no-record');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cutover-bench-scale-'));
  const preload = path.join(tmp, 'sql-count.cjs');
  // Counts the statements a worker sends (Prisma's pg adapter goes through pg.Client#query), into a file of its own.
  writeFileSync(
    preload,
    `const fs = require('node:fs'); const pg = require(${JSON.stringify(path.join(root, 'node_modules/pg'))}); let n = 0;
const query = pg.Client.prototype.query; pg.Client.prototype.query = function (...a) { n += 1; return query.apply(this, a); };
const file = process.env.BENCH_SQL_COUNT_FILE; const save = () => { try { fs.writeFileSync(file, String(n)); } catch {} };
setInterval(save, 200).unref(); process.on('exit', save);\n`,
  );
  let stopping = false;
  const cleanups: Array<() => void | Promise<void>> = [() => rmSync(tmp, { recursive: true, force: true })];
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    await stopStarted();
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e: unknown) => log(`cleanup: ${String(e)}`));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  const results: Result[] = [];
  try {
    if (!process.env.SCALE_NO_BUILD) {
      log('building dist/ (npm run build)');
      build();
    }
    log(`profile ${profileName}: ${PROFILE.canary} canary + ${PROFILE.blueGreen} blue/green, workers ${WORKER_COUNTS.join(', ')}; ${loadNote()}`);
    const pgServer = await startPostgres();
    cleanups.push(() => pgServer.stop());
    const redis = await startRedis();
    const { migrate } = (await import(path.join(root, 'scripts/migrate-lib.mjs'))) as { migrate: (o: { databaseUrl: string; createDatabase: boolean }) => Promise<void> };
    await migrate({ databaseUrl: pgServer.url, createDatabase: true });
    const pgModule = (await import('pg')) as unknown as { default?: { Client: new (o: { connectionString: string }) => PgClient }; Client?: new (o: { connectionString: string }) => PgClient };
    type PgClient = { connect(): Promise<void>; end(): Promise<void>; query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }> };
    const Client = (pgModule.Client ?? pgModule.default!.Client)!;
    const db = new Client({ connectionString: pgServer.url });
    await db.connect();
    cleanups.push(() => db.end());
    const postmaster = Number(readFileSync(path.join(pgServer.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

    const env = productEnv(pgServer.url, redis.url);
    const sim = await startSim({ timeScale: TIME_SCALE, nodes: Math.ceil((rollouts * REPLICAS * 3) / 100) + 2 });
    const apis = [await startApi(env, 'api-1'), await startApi(env, 'api-2')];
    const client = new ChaosClient(() => apis.map((a) => a.url), env.bootstrapToken);
    await client.ok('POST', '/v1/clusters', { name: 'sim', kubeconfig: sim.kubeconfig });

    // Apps, environments and one release per wave (+1 for the first deployment), through the apis like any user.
    const deadline = { progressDeadlineSeconds: DEADLINE };
    const canaryDoc = { type: 'Canary', steps: [{ setWeight: 25 }, { setWeight: 50 }, { setWeight: 75 }], ...deadline };
    const bgDoc = { type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 0, scaleDownDelaySeconds: 0, ...deadline };
    const apps = [...Array.from({ length: PROFILE.canary }, (_, i) => ({ app: `c${i}`, doc: canaryDoc })), ...Array.from({ length: PROFILE.blueGreen }, (_, i) => ({ app: `b${i}`, doc: bgDoc }))];
    const versions = Array.from({ length: WORKER_COUNTS.length + 1 }, (_, i) => `${i + 1}.0.0`);
    const ready = { 'sim.cutover.dev/ready-after': '0s' };
    log(`seeding ${apps.length} apps × ${versions.length} releases (progress deadline ${DEADLINE} s at time scale ${TIME_SCALE}: ${Math.round(DEADLINE / TIME_SCALE)} s of real time)`);
    await pool(apps, 16, async (a) => {
      await client.ok('POST', '/v1/apps', { name: a.app });
      await client.ok('POST', `/v1/apps/${a.app}/environments`, { name: 'prod', cluster: 'sim', namespace: 'bench', replicas: REPLICAS, strategy: a.doc, service: { port: 80, targetPort: 8080 } });
      for (const v of versions) await client.ok('POST', `/v1/apps/${a.app}/releases`, releaseBody(v, `bench/${a.app}:${v}`, ready));
    });

    const deployAll = async (version: string): Promise<string[]> =>
      pool(apps, 32, async (a) => ((await client.ok('POST', '/v1/deployments', { app: a.app, environment: 'prod', release: version })) as { id: string }).id);
    const readWave = (ids: string[]) => async (): Promise<WaveRow[]> =>
      (await db.query<WaveRow>('SELECT id, phase, version, "failureReason" FROM "Deployment" WHERE id = ANY($1::uuid[])', [ids])).rows;
    const xacts = async () => Number((await db.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.n);

    for (const [round, n] of WORKER_COUNTS.entries()) {
      log(`${n} worker(s): starting`);
      const workers: Array<{ proc: Proc; port: number; sqlFile: string }> = [];
      const starting = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const port = await freePort();
          const sqlFile = path.join(tmp, `sql-${n}-${i}`);
          const w = spawnWorker(env, `worker-${n}.${i + 1}`, {
            concurrency: 64,
            // The product's default: every pass of every worker ticks each active deployment that has no job (ADR 0008),
            // so a shorter period multiplies ticks by workers × active deployments.
            reconcileIntervalMs: RECONCILE_INTERVAL_MS,
            nodeArgs: ['-r', preload],
            env: { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1', DATABASE_POOL_SIZE: '32', KUBE_QPS: '1000', KUBE_BURST: '1000', BENCH_SQL_COUNT_FILE: sqlFile },
          });
          return { w, port, sqlFile };
        }),
      );
      await Promise.all(starting.map((s) => s.w.ready));
      for (const s of starting) workers.push({ proc: s.w.proc, port: s.port, sqlFile: s.sqlFile });
      if (round === 0) {
        log(`first releases (straight to serving), not measured; ${loadNote()}`);
        const first = await deployAll(versions[0]!);
        await waitForWave({ label: `first releases of ${apps.length} apps`, read: readWave(first), timeoutMs: 900_000 });
      }
      const sqlCount = () => workers.reduce((t, w) => t + Number(readFileSync(w.sqlFile, 'utf8') || 0), 0);
      const cpu = () => ({
        workers: workers.reduce((t, w) => t + treeCpu(w.proc.child.pid!), 0),
        postgres: treeCpu(postmaster),
        redis: treeCpu(redis.proc.child.pid!),
        sim: treeCpu(sim.proc.child.pid!),
        apis: apis.reduce((t, a) => t + treeCpu(a.proc.child.pid!), 0),
      });
      const before = { metrics: sum(await Promise.all(workers.map((w) => scrape(w.port)))), cpu: cpu(), sql: sqlCount(), xacts: await xacts(), load: os.loadavg()[0]! };
      const t0 = performance.now();
      const label = `${PROFILE.canary} canary + ${PROFILE.blueGreen} blue/green with ${n} worker(s)`;
      log(`${label}: deploying ${versions[round + 1]}; ${loadNote()}`);
      const ids = await deployAll(versions[round + 1]!);
      await waitForWave({ label, read: readWave(ids), timeoutMs: 900_000 });
      const wall = (performance.now() - t0) / 1000;
      // Let the last scrapes see the final commits' counters (they are written before the tick returns).
      const after = { metrics: sum(await Promise.all(workers.map((w) => scrape(w.port)))), cpu: cpu(), sql: sqlCount(), xacts: await xacts(), load: os.loadavg()[0]! };
      const m = minus(after.metrics, before.metrics);
      const steps = Math.max(1, m.decisions);
      const r: Result = {
        workers: n,
        canary: PROFILE.canary,
        blueGreen: PROFILE.blueGreen,
        wallSeconds: round2(wall),
        rolloutsPerSecond: round2(rollouts / wall),
        reactionMsP50: round2(quantileMs(m.buckets, 0.5)),
        reactionMsP99: round2(quantileMs(m.buckets, 0.99)),
        reactionSamples: m.reactionCount,
        reactionShareUnderTarget: round2(shareUnder(m.buckets, TARGETS.reactionP99Ms) * 100),
        workerCpuSeconds: round2(after.cpu.workers - before.cpu.workers),
        workerCpuSecondsPerRollout: Number(((after.cpu.workers - before.cpu.workers) / rollouts).toFixed(4)),
        postgresCpuSeconds: round2(after.cpu.postgres - before.cpu.postgres),
        redisCpuSeconds: round2(after.cpu.redis - before.cpu.redis),
        simulatorCpuSeconds: round2(after.cpu.sim - before.cpu.sim),
        apiCpuSeconds: round2(after.cpu.apis - before.cpu.apis),
        kubeRequestsPerStep: round2(m.kubeRequests / steps),
        workerStatementsPerStep: round2((after.sql - before.sql) / steps),
        dbTransactionsPerStep: round2((after.xacts - before.xacts) / steps),
        stepsPerRollout: round2(m.decisions / rollouts),
        statusCommitsPerRollout: round2(m.statusCommits / rollouts),
        deferralsPerRollout: round2(m.deferrals / rollouts),
        loadAverageStart: round2(before.load),
        loadAverageEnd: round2(after.load),
      };
      results.push(r);
      process.stdout.write(`${lines([r]).join('\n')}\n`);
      log(`${n} worker(s): stopping`);
      for (const w of workers) await w.proc.stop(15_000);
    }

    const text = [...header(), ...lines(results), ...verdicts(results)];
    process.stdout.write(`\n${text.join('\n')}\n`);
    const json = { bench: 'scale', at: new Date().toISOString(), profile: profileName, replicas: REPLICAS, timeScale: TIME_SCALE, statusCommitInterval: process.env.STATUS_COMMIT_INTERVAL ?? '1s', reconcileIntervalMs: RECONCILE_INTERVAL_MS, machine: `${os.cpus().length} cpu, node ${process.version}`, results };
    process.stdout.write(`${JSON.stringify(json)}\n`);
    if (record) appendFileSync(path.join(root, 'BENCHMARKS.md'), `\n## bench:scale (${profileName}) — ${json.at}\n\n\`\`\`\n${text.join('\n')}\n${JSON.stringify(json)}\n\`\`\`\n`);
  } finally {
    await stopAll();
  }
}

function round2(n: number): number {
  return Number.isFinite(n) ? Number(n.toFixed(2)) : n;
}

async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

function header(): string[] {
  return [
    `bench:scale, profile ${profileName}: ${PROFILE!.canary} canary + ${PROFILE!.blueGreen} blue/green at once, ${REPLICAS} replicas, 2 api processes, simulator at time scale ${TIME_SCALE} in its own process, STATUS_COMMIT_INTERVAL ${process.env.STATUS_COMMIT_INTERVAL ?? '1s'}, RECONCILE_INTERVAL_MS ${RECONCILE_INTERVAL_MS}, WORKER_CONCURRENCY 64, ${os.cpus().length} CPUs`,
    'workers | wall s | rollouts/s | reaction p50 / p99 ms (n) | worker CPU s (per rollout ms) | postgres / redis / sim / apis CPU s | kube req/step | worker SQL/step | db xact/step | steps + status commits (deferred) per rollout | load avg start → end',
  ];
}

function lines(rs: readonly Result[]): string[] {
  return rs.map(
    (r) =>
      `${r.workers} | ${r.wallSeconds} | ${r.rolloutsPerSecond} | ${r.reactionMsP50} / ${r.reactionMsP99} (${r.reactionSamples}; ${r.reactionShareUnderTarget}% ≤ ${TARGETS.reactionP99Ms} ms) | ${r.workerCpuSeconds} (${(r.workerCpuSecondsPerRollout * 1000).toFixed(1)}) | ` +
      `${r.postgresCpuSeconds} / ${r.redisCpuSeconds} / ${r.simulatorCpuSeconds} / ${r.apiCpuSeconds} | ${r.kubeRequestsPerStep} | ${r.workerStatementsPerStep} | ${r.dbTransactionsPerStep} | ` +
      `${r.stepsPerRollout} + ${r.statusCommitsPerRollout} (${r.deferralsPerRollout}) | ${r.loadAverageStart} → ${r.loadAverageEnd}`,
  );
}

function verdicts(rs: readonly Result[]): string[] {
  const by = (n: number) => rs.find((r) => r.workers === n);
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const out: string[] = [];
  const two = by(2);
  if (two) out.push(`target reaction p99 < ${TARGETS.reactionP99Ms} ms with 2 workers: ${two.reactionMsP99} ms — ${mark(two.reactionMsP99 < TARGETS.reactionP99Ms)} (load ${two.loadAverageStart} → ${two.loadAverageEnd})`);
  const one = by(1);
  if (one && two) {
    const speedup = two.rolloutsPerSecond / one.rolloutsPerSecond;
    out.push(`target 2 workers ≥ ${TARGETS.speedup2}× one: ${speedup.toFixed(2)}× (${two.rolloutsPerSecond} vs ${one.rolloutsPerSecond} rollouts/s) — ${mark(speedup >= TARGETS.speedup2)}`);
  }
  const four = by(4);
  if (four && two) out.push(`4 workers vs 2: ${(four.rolloutsPerSecond / two.rolloutsPerSecond).toFixed(2)}× (${four.rolloutsPerSecond} vs ${two.rolloutsPerSecond} rollouts/s)`);
  for (const r of rs) {
    out.push(`${r.workers} worker(s): kube requests/step ${r.kubeRequestsPerStep} (target ≤ ${TARGETS.kubePerStep}) — ${mark(r.kubeRequestsPerStep <= TARGETS.kubePerStep)}; worker statements/step ${r.workerStatementsPerStep} (target ≤ ${TARGETS.sqlPerStep}) — ${mark(r.workerStatementsPerStep <= TARGETS.sqlPerStep)}`);
  }
  return out;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
