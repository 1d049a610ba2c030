// `npm run bench:waves` (issue 14 §4): rollout waves over 50 environments on 5 simulated clusters (each its own
// Kubernetes API server, registered over REST with labels), the api in this process, the worker a process of its own.
//   1. warm-up: 1.0.0 everywhere (one wave, no gate), so the measured runs replace a serving release.
//   2. measured: 1.1.0 over 5 waves of 10 environments (2 per cluster, chosen by label selector), a 1 s bake gate
//      between waves. Gate → next wave started: from each gate's bake end (`bakeUntil`, when it should open) to the
//      first write of every deployment of the next wave at its cluster (p50/p99 per deployment; the slowest of each
//      gate), split into bake end → gate opened (run tick), gate opened → deployment rows created, rows → cluster.
//      Kubernetes requests per environment, counted at the five simulators over that run.
//   3. global abort: 1.2.0 whose first wave (10 environments) rolls out as a canary paused at 50 % (a wave strategy
//      override); abort the run; time from the call to every environment's traffic restored at its cluster (canary
//      scaled to 0 and gone, stable serving all replicas).
// Every wave and every wait is bounded: a wave that does not finish in BENCH_WAVE_TIMEOUT_MS (default 120 s) fails
// the bench with what is stuck. Appends to BENCHMARKS.md (BENCH_NO_RECORD=1: not), prints one JSON line at the end.
// BENCH_RUNS=n repeats the measured run n times (default 2) for more gate samples.
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MultiClusterStack as Stack } from '../apps/worker/test/multi-cluster.testing';

const root = path.resolve(__dirname, '..');
const CLUSTERS = 5;
const ENVS_PER_CLUSTER = 10;
const WAVES = 5;
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const WAVE_TIMEOUT_MS = Number(process.env.BENCH_WAVE_TIMEOUT_MS ?? 120_000);
const TIME_SCALE = 50;
const BAKE_SECONDS = 1;
/** Every environment rolls out as a canary by replicas that goes straight through (50 %, then 100 %). */
const CANARY_THROUGH = { type: 'Canary', trafficRouting: { type: 'replicas' }, steps: [{ setWeight: 50 }, { setWeight: 100 }] };
/** The abort run's first wave (a wave strategy override): the same canary, held at 50 % until promoted. */
const CANARY_HELD = { type: 'Canary', trafficRouting: { type: 'replicas' }, steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] };

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const r1 = (n: number) => Number(n.toFixed(1));
const load = () => os.loadavg().map((n) => Number(n.toFixed(2)));

async function main(): Promise<void> {
  const { migrate, dropDatabase } = (await import(path.join(root, 'scripts/migrate-lib.mjs'))) as {
    migrate: (o: { databaseUrl: string; createDatabase: boolean }) => Promise<void>;
    dropDatabase: (url: string) => Promise<void>;
  };
  const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cutover');
  const dbName = `cutover_bench_waves_${randomBytes(3).toString('hex')}`;
  server.pathname = `/${dbName}`;
  const databaseUrl = server.toString();
  await migrate({ databaseUrl, createDatabase: true });
  // What the test stack reads (libs/testing): this bench's database, a key of its own, a run id for the queue prefix.
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    TEST_DATABASE_URL: databaseUrl,
    CUTOVER_TEST_RUN_ID: dbName,
    CUTOVER_SECRET_KEY: process.env.CUTOVER_SECRET_KEY ?? randomBytes(32).toString('hex'),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    NODE_ENV: 'test',
  });
  const { MultiClusterStack } = await import('../apps/worker/test/multi-cluster.testing');
  type Run = {
    id: string;
    phase: string;
    waves: Array<{ name: string; phase: string; gate: { bakeUntil: string | null; openedAt: string | null }; environments: Array<{ environment: string; cluster: string; deploymentId: string | null; phase: string; reason: string | null }> }>;
  };

  const clusters = Array.from({ length: CLUSTERS }, (_, i) => ({ name: `c${i + 1}`, labels: { region: ['eu', 'us', 'ap', 'sa', 'af'][i]!, tier: 'prod' }, nodes: 4 }));
  const envs = clusters.flatMap((c) =>
    Array.from({ length: ENVS_PER_CLUSTER }, (_, j) => ({
      name: `e-${c.name}-${j}`,
      cluster: c.name,
      labels: { wave: String((j % WAVES) + 1), region: c.labels.region },
      replicas: REPLICAS,
      strategy: CANARY_THROUGH,
    })),
  );
  const clusterOf = new Map(envs.map((e) => [e.name, e.cluster]));

  let stack: Stack | null = null;
  const started = performance.now();
  try {
    process.stdout.write(`bench:waves — starting ${CLUSTERS} simulators, the api and a worker process (load average ${load().join(' ')})\n`);
    stack = await MultiClusterStack.start('bench', {
      clusters,
      timeScale: TIME_SCALE,
      worker: 'process',
      env: { WORKER_CONCURRENCY: '64', RECONCILE_INTERVAL_MS: '10000', DATABASE_POOL_SIZE: '16' },
    });
    const s = stack;
    await s.createApp('fleet', envs);
    await s.release('fleet', '1.0.0', { readyAfter: '0s' });
    await s.release('fleet', '1.1.0', { readyAfter: '0s' });
    await s.release('fleet', '1.2.0', { readyAfter: '0s' });
    for (let i = 0; i < RUNS - 1; i++) await s.release('fleet', `1.1.${i + 1}`, { readyAfter: '0s' });

    const get = async (id: string) => (await s.ok('get', `/v1/wave-runs/${id}`, undefined, 200)) as Run;
    /** Polls the run until `done`; a wave that takes longer than WAVE_TIMEOUT_MS ends the bench naming what is stuck. */
    const follow = async (id: string, done: (r: Run) => boolean, what: string): Promise<Run> => {
      let wave = -1;
      let waveSince = Date.now();
      for (;;) {
        const r = await get(id);
        if (done(r)) return r;
        if (['Failed', 'Aborted', 'Succeeded'].includes(r.phase)) throw new Error(`run ${id} ended ${r.phase} while waiting for ${what}: ${JSON.stringify(r.waves.map((w) => [w.name, w.phase]))}`);
        const current = r.waves.findIndex((w) => w.phase === 'Running' || w.phase === 'Gate');
        if (current !== wave) {
          wave = current;
          waveSince = Date.now();
        } else if (Date.now() - waveSince > WAVE_TIMEOUT_MS) {
          const w = r.waves[current]!;
          const stuck = w.environments.filter((e) => e.phase !== 'Succeeded').map((e) => `${e.environment}@${e.cluster} ${e.phase}${e.reason ? ` (${e.reason})` : ''}`);
          throw new Error(`wave ${current + 1} (${w.name}) did not finish within ${WAVE_TIMEOUT_MS / 1000} s (${what}): ${w.phase}; not done: ${stuck.join(', ') || 'gate'}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    // 1. warm-up
    const t1 = performance.now();
    const warm = (await s.ok('post', '/v1/apps/fleet/waves', { release: '1.0.0', reason: 'bench warm-up', waves: [{ name: 'all', environmentSelector: 'region' }] }, 202)) as Run;
    if (warm.waves[0]!.environments.length !== envs.length) throw new Error(`the warm-up selected ${warm.waves[0]!.environments.length} environments, not ${envs.length}`);
    await follow(warm.id, (r) => r.phase === 'Succeeded', 'the warm-up');
    const warmSeconds = (performance.now() - t1) / 1000;
    process.stdout.write(`warm-up: 1.0.0 on ${envs.length} environments in one wave: ${warmSeconds.toFixed(1)} s\n`);

    // 2. measured runs
    const perDeployment: number[] = [];
    const perGate: number[] = [];
    const bakeToOpen: number[] = [];
    const openToCreated: number[] = [];
    const createdToCluster: number[] = [];
    const requestsPerEnv: number[] = [];
    const inNamespacesPerEnv: number[] = [];
    const runSeconds: number[] = [];
    const loads: number[][] = [];
    const versions = ['1.1.0', ...Array.from({ length: RUNS - 1 }, (_, i) => `1.1.${i + 1}`)];
    for (const version of versions) {
      s.requests(true);
      const t = performance.now();
      const created = (await s.ok(
        'post',
        '/v1/apps/fleet/waves',
        {
          release: version,
          reason: 'bench',
          waves: Array.from({ length: WAVES }, (_, i) => ({ name: `wave-${i + 1}`, environmentSelector: `wave=${i + 1}`, ...(i + 1 < WAVES ? { gate: { bake: `${BAKE_SECONDS}s` } } : {}) })),
        },
        202,
      )) as Run;
      const done = await follow(created.id, (r) => r.phase === 'Succeeded', `run of ${version}`);
      runSeconds.push((performance.now() - t) / 1000);
      loads.push(load());
      const tally = Object.values(s.requests());
      const total = tally.reduce((n, c) => n + c.total, 0);
      const inNamespaces = tally.reduce((n, c) => n + Object.entries(c.byNamespace).filter(([ns]) => ns !== '').reduce((m, [, v]) => m + v, 0), 0);
      requestsPerEnv.push(total / envs.length);
      inNamespacesPerEnv.push(inNamespaces / envs.length);
      for (let n = 0; n + 1 < done.waves.length; n++) {
        const gate = done.waves[n]!.gate;
        const due = new Date(gate.bakeUntil!).getTime();
        const opened = new Date(gate.openedAt!).getTime();
        bakeToOpen.push(opened - due);
        let slowest = 0;
        for (const e of done.waves[n + 1]!.environments) {
          const d = (await s.ok('get', `/v1/deployments/${e.deploymentId}`, undefined, 200)) as { createdAt: string };
          const first = s.firstWrite(clusterOf.get(e.environment)!, e.environment, 'fleet', version, due - 60_000);
          if (!first) throw new Error(`${e.environment}: no write of ${version} seen at its cluster`);
          const createdAt = new Date(d.createdAt).getTime();
          openToCreated.push(createdAt - opened);
          createdToCluster.push(first.at - createdAt);
          perDeployment.push(first.at - due);
          slowest = Math.max(slowest, first.at - due);
        }
        perGate.push(slowest);
      }
      process.stdout.write(`run of ${version}: ${WAVES} waves over ${envs.length} environments in ${runSeconds.at(-1)!.toFixed(1)} s; gate → next wave started, slowest per gate: ${perGate.slice(-4).map(r1).join(', ')} ms\n`);
    }

    // 3. global abort
    const abortRun = (await s.ok(
      'post',
      '/v1/apps/fleet/waves',
      { release: '1.2.0', reason: 'bench abort', waves: Array.from({ length: WAVES }, (_, i) => ({ name: `wave-${i + 1}`, environmentSelector: `wave=${i + 1}`, ...(i === 0 ? { strategy: CANARY_HELD } : {}) })) },
      202,
    )) as Run;
    const inFlight = await follow(abortRun.id, (r) => r.waves[0]!.environments.every((e) => e.phase === 'Paused'), 'wave 1 paused at 50 %');
    const first = inFlight.waves[0]!.environments;
    const canaryOf = (e: { environment: string }) => s.simDeployment(clusterOf.get(e.environment)!, e.environment, 'fleet-canary');
    const stableOf = (e: { environment: string }) => s.simDeployment(clusterOf.get(e.environment)!, e.environment, 'fleet-stable');
    const canaryPods = first.filter((e) => (canaryOf(e)?.status?.replicas ?? 0) > 0).length;
    const restoredAt = new Map<string, number>();
    const t0 = performance.now();
    const aborted = (await s.ok('post', `/v1/wave-runs/${abortRun.id}/abort`, { reason: 'bench' }, 202)) as Run;
    const answerMs = performance.now() - t0;
    if (aborted.phase !== 'Aborted') throw new Error(`abort answered ${aborted.phase}`);
    const deadline = Date.now() + 30_000;
    while (restoredAt.size < first.length) {
      for (const e of first) {
        if (restoredAt.has(e.environment)) continue;
        const c = canaryOf(e);
        const st = stableOf(e);
        if ((c?.spec?.replicas ?? 0) === 0 && (c?.status?.replicas ?? 0) === 0 && (st?.status?.availableReplicas ?? 0) >= REPLICAS) restoredAt.set(e.environment, performance.now() - t0);
      }
      if (Date.now() > deadline) throw new Error(`traffic not restored within 30 s in ${first.filter((e) => !restoredAt.has(e.environment)).map((e) => e.environment).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const abortMs = Math.max(...restoredAt.values());
    const abortLoad = load();

    const result = {
      bench: 'waves',
      at: new Date().toISOString(),
      clusters: CLUSTERS,
      environments: envs.length,
      waves: WAVES,
      replicas: REPLICAS,
      timeScale: TIME_SCALE,
      runs: RUNS,
      warmUpSeconds: r1(warmSeconds),
      runSeconds: runSeconds.map(r1),
      gateToStartedMsP50: r1(pct(perDeployment, 50)),
      gateToStartedMsP99: r1(pct(perDeployment, 99)),
      gateToAllStartedMsMax: r1(Math.max(...perGate)),
      gateSamples: perDeployment.length,
      bakeEndToGateOpenedMsP50: r1(pct(bakeToOpen, 50)),
      bakeEndToGateOpenedMsMax: r1(Math.max(...bakeToOpen)),
      gateOpenedToCreatedMsP50: r1(pct(openToCreated, 50)),
      gateOpenedToCreatedMsMax: r1(Math.max(...openToCreated)),
      createdToClusterMsP50: r1(pct(createdToCluster, 50)),
      createdToClusterMsP99: r1(pct(createdToCluster, 99)),
      k8sRequestsPerEnvironment: r1(pct(requestsPerEnv, 50)),
      k8sRequestsPerEnvironmentInNamespace: r1(pct(inNamespacesPerEnv, 50)),
      abortInFlight: first.length,
      abortInFlightWithCanaryPods: canaryPods,
      abortAnswerMs: r1(answerMs),
      abortToTrafficRestoredMsMax: r1(abortMs),
      abortToTrafficRestoredMsP50: r1(pct([...restoredAt.values()], 50)),
      loadAverage: { measuredRuns: loads, abort: abortLoad },
      machine: `${os.cpus().length} cpu, node ${process.version}`,
      wallSeconds: r1((performance.now() - started) / 1000),
    };
    const lines = [
      `waves: ${envs.length} environments on ${CLUSTERS} simulated clusters, ${WAVES} waves of ${envs.length / WAVES} (label selectors), ${BAKE_SECONDS} s bake gates, ${REPLICAS} replicas, time scale ${TIME_SCALE}, one worker process`,
      `  warm-up (1.0.0, one wave of ${envs.length})       ${result.warmUpSeconds} s`,
      `  measured runs                          ${result.runSeconds.join(' s, ')} s (5 waves, 4 bakes of ${BAKE_SECONDS} s each)`,
      `  gate → next wave started               p50 ${result.gateToStartedMsP50} ms, p99 ${result.gateToStartedMsP99} ms per deployment (${result.gateSamples} samples; bake end → first write at its cluster); slowest whole wave ${result.gateToAllStartedMsMax} ms (target p99 < 200 ms)`,
      `    bake end → gate opened (run tick)    p50 ${result.bakeEndToGateOpenedMsP50} ms, max ${result.bakeEndToGateOpenedMsMax} ms`,
      `    gate opened → deployments created    p50 ${result.gateOpenedToCreatedMsP50} ms, max ${result.gateOpenedToCreatedMsMax} ms`,
      `    created → first write at the cluster p50 ${result.createdToClusterMsP50} ms, p99 ${result.createdToClusterMsP99} ms`,
      `  Kubernetes requests per environment    ${result.k8sRequestsPerEnvironment} per run (${result.k8sRequestsPerEnvironmentInNamespace} in its namespace; the rest cluster-wide lists/watches), counted at the simulators`,
      `  global abort                           ${result.abortInFlight} canaries paused at 50 % on ${CLUSTERS} clusters; call answered in ${result.abortAnswerMs} ms; every one's traffic restored (canary gone, stable serving) in ${result.abortToTrafficRestoredMsMax} ms (p50 ${result.abortToTrafficRestoredMsP50} ms; target < 2000 ms)`,
      `  machine                                ${result.machine}; load average (1/5/15 min) after the measured runs ${loads.map((l) => l.join('/')).join(', ')}, after the abort ${abortLoad.join('/')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (process.env.BENCH_NO_RECORD !== '1') {
      appendFileSync(path.join(root, 'BENCHMARKS.md'), `\n## bench:waves — ${result.at}\n\n\`\`\`\n${lines.join('\n')}\n${JSON.stringify(result)}\n\`\`\`\n`);
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stack?.stop();
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
