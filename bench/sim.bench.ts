// `npm run bench:sim`: the Kubernetes API simulator under load, in-process (store + controllers + kubelets + HTTP API).
// 1,000 Deployments × 10 replicas = 10,000 pods, list/get throughput, watch fan-out latency at 50 watchers, a 100-replica
// rolling update's wall time at time scale 1 against its ideal, RSS. Appends a dated section to BENCHMARKS.md and ends
// with one JSON line. Not a test: it reports, it does not assert (targets are printed next to the numbers).
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { KubeObject, KubeSim } from '@cutover/kube-sim';
import { RESOURCE_KEYS, startKubeSim } from '@cutover/kube-sim';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1000);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 10);
const WATCHERS = 50;
const WATCH_WRITES = 300;
/** Writes before measuring: the first few hundred events pay for JIT compilation of the watch path. */
const WATCH_WARMUP = 100;
const ROLL_REPLICAS = 100;

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Plain HTTP on the simulator's port (it speaks both), to measure the server rather than TLS. */
function http(sim: KubeSim, method: string, path: string, body?: unknown, contentType = 'application/json', keepBody = true): Promise<{ status: number; text: string; bytes: number }> {
  const url = new URL(path, sim.url.replace('https://', 'http://'));
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((res, rej) => {
    const req = request(url, {
      method,
      headers: { Authorization: `Bearer ${sim.token}`, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(payload)) } : {}) },
    }, (r) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      r.on('data', (c: Buffer) => { bytes += c.length; if (keepBody) chunks.push(c); });
      r.on('end', () => res({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), bytes }));
    });
    req.on('error', rej);
    if (payload) req.write(payload);
    req.end();
  });
}

function deployment(name: string, replicas: number, image = 'registry.example/app:v1', extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name } },
    spec: {
      replicas, selector: { matchLabels: { app: name } }, ...extra,
      template: {
        metadata: { labels: { app: name }, annotations: { 'sim.cutover.dev/ready-after': '1s' } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

/** Resolves when `pred` holds, re-checked on every store event (no polling). */
function until(sim: KubeSim, pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((res, rej) => {
    if (pred()) return res();
    const timer = setTimeout(() => { unsub(); rej(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)); }, timeoutMs);
    const unsub = sim.store.subscribe(() => {
      if (pred()) { clearTimeout(timer); unsub(); res(); }
    });
  });
}

function rolledOut(d: KubeObject | undefined, replicas: number): boolean {
  const s = d?.status ?? {};
  return !!d && s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.availableReplicas === replicas
    && s.replicas === replicas;
}

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

async function main(): Promise<void> {
  const sim = await startKubeSim({ nodes: Math.ceil((DEPLOYMENTS * REPLICAS + ROLL_REPLICAS * 2) / 110) + 2, timeScale: 1 });
  const results: Record<string, unknown> = { deployments: DEPLOYMENTS, pods: DEPLOYMENTS * REPLICAS, loadBefore: loadavg()[0].toFixed(1) };
  try {
    for (const ns of ['bench', 'fanout', 'roll']) await http(sim, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

    // 1. 1,000 Deployments through the API; controllers + kubelets bring 10,000 pods to Ready.
    let t = performance.now();
    await pool(Array.from({ length: DEPLOYMENTS }, (_, i) => i), 16, async (i) => {
      const r = await http(sim, 'POST', '/apis/apps/v1/namespaces/bench/deployments', deployment(`app-${i}`, REPLICAS));
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
    });
    const createMs = performance.now() - t;
    const readyPods = () => sim.store.listShared(RESOURCE_KEYS.deployments, { namespace: 'bench' })
      .reduce((n, d) => n + (d.status?.availableReplicas ?? 0), 0);
    await until(sim, () => readyPods() >= DEPLOYMENTS * REPLICAS, 600_000, '10,000 available pods');
    const settleMs = performance.now() - t;
    const pods = sim.store.listShared(RESOURCE_KEYS.pods, { namespace: 'bench' }).length;
    results.create = { deploymentsPerSec: round(DEPLOYMENTS / (createMs / 1000), 0), allAvailableSec: round(settleMs / 1000, 1), pods };
    collectGarbage();
    results.rssMbAt10kPods = mb(process.memoryUsage().rss);
    results.heapMbAt10kPods = mb(process.memoryUsage().heapUsed);
    console.log(`created ${DEPLOYMENTS} deployments in ${round(createMs)} ms; ${pods} pods available after ${round(settleMs / 1000, 1)} s; RSS ${results.rssMbAt10kPods} MB`);

    // 2. List throughput: the whole 10,000-pod list, and a label-selected list.
    t = performance.now();
    let bytes = 0;
    const fullLists = 10;
    // The body is counted, not kept: the RSS figures are the simulator's, not this client's.
    for (let i = 0; i < fullLists; i++) bytes += (await http(sim, 'GET', '/api/v1/namespaces/bench/pods', undefined, undefined, false)).bytes;
    const fullMs = (performance.now() - t) / fullLists;
    t = performance.now();
    const selLists = 200;
    for (let i = 0; i < selLists; i++) await http(sim, 'GET', `/api/v1/namespaces/bench/pods?labelSelector=app%3Dapp-${i}`);
    const selMs = (performance.now() - t) / selLists;
    results.list = { fullListMs: round(fullMs, 1), fullListMb: mb(bytes / fullLists), selectedListMs: round(selMs, 2) };

    // 3. Get throughput (autocannon, 10 connections, plain HTTP).
    const podName = sim.store.listShared(RESOURCE_KEYS.pods, { namespace: 'bench' })[0].metadata.name;
    const ac = await autocannon({
      url: `${sim.url.replace('https://', 'http://')}/api/v1/namespaces/bench/pods/${podName}`,
      connections: 10, duration: 5, headers: { Authorization: `Bearer ${sim.token}` },
    });
    results.get = { reqPerSec: round(ac.requests.average, 0), p99Ms: ac.latency.p99, errors: ac.errors + ac.non2xx };

    // 4. Watch fan-out: 50 watchers of one namespace in a worker thread (their JSON parsing must not queue behind the
    //    server's event loop), write → event latency from the timestamp the writer puts into each write.
    await http(sim, 'POST', '/api/v1/namespaces/fanout/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hot' }, data: { i: '0' } });
    const watch = await watchFanOut(sim, WATCHERS, async (i) => {
      const t0 = String(performance.timeOrigin + performance.now());
      await http(sim, 'PATCH', '/api/v1/namespaces/fanout/configmaps/hot', { data: { i: String(i), t: t0 } }, 'application/merge-patch+json');
    });
    results.watch = { watchers: WATCHERS, writes: WATCH_WRITES, p50Ms: round(pct(watch, 50), 2), p99Ms: round(pct(watch, 99), 2), events: watch.length };

    // 5. A 100-replica rolling update at time scale 1 against its ideal. The ideal is the number of waves the
    //    RollingUpdate arithmetic allows (25%/25%: 2) times one pod's creation → Ready delay, measured on a lone pod.
    const probeStart = performance.now();
    await http(sim, 'POST', '/api/v1/namespaces/roll/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', annotations: { 'sim.cutover.dev/ready-after': '1s' } },
      spec: { containers: [{ name: 'app', image: 'registry.example/app:v1' }] },
    });
    await until(sim, () => (sim.store.getShared(RESOURCE_KEYS.pods, 'roll', 'probe')?.status?.conditions ?? [])
      .some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'), 60_000, 'probe pod Ready');
    const podReadyMs = performance.now() - probeStart;
    await http(sim, 'POST', '/apis/apps/v1/namespaces/roll/deployments', deployment('roll', ROLL_REPLICAS));
    await until(sim, () => rolledOut(sim.store.getShared(RESOURCE_KEYS.deployments, 'roll', 'roll'), ROLL_REPLICAS), 120_000, 'roll v1');
    t = performance.now();
    await http(sim, 'PATCH', '/apis/apps/v1/namespaces/roll/deployments/roll',
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/app:v2' }] } } } }, 'application/strategic-merge-patch+json');
    await until(sim, () => rolledOut(sim.store.getShared(RESOURCE_KEYS.deployments, 'roll', 'roll'), ROLL_REPLICAS), 120_000, 'roll v2');
    const rollMs = performance.now() - t;
    const waves = rollingWaves(ROLL_REPLICAS, Math.ceil(ROLL_REPLICAS * 0.25), Math.floor(ROLL_REPLICAS * 0.25));
    const idealMs = waves * podReadyMs;
    results.rollingUpdate = { replicas: ROLL_REPLICAS, wallMs: round(rollMs, 0), idealMs: round(idealMs, 0), waves, podReadyMs: round(podReadyMs, 0),
      overheadPct: round(((rollMs - idealMs) / idealMs) * 100, 1) };
    collectGarbage();
    results.rssMbEnd = mb(process.memoryUsage().rss);
  } finally {
    await sim.stop();
  }

  const targets = {
    rss: (results.rssMbAt10kPods as number) < 500,
    watchP99: ((results.watch as { p99Ms: number }).p99Ms) < 5,
    rolling: ((results.rollingUpdate as { overheadPct: number }).overheadPct) <= 5,
  };
  report(results, targets);
}

const WATCHER_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { request } = require('node:http');
const { url, token, watchers, warmup } = workerData;
const latencies = [];
const seen = new Map();
let open = 0;
for (let w = 0; w < watchers; w++) {
  const req = request(url, { headers: { Authorization: 'Bearer ' + token } }, (res) => {
    if (++open === watchers) parentPort.postMessage({ ready: true });
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const at = performance.timeOrigin + performance.now();
        const data = JSON.parse(line).object.data || {};
        if (!data.t) continue;
        if (Number(data.i) > warmup) latencies.push(at - Number(data.t));
        const n = (seen.get(data.i) || 0) + 1;
        seen.set(data.i, n);
        if (n === watchers) parentPort.postMessage({ done: data.i });
      }
    });
  });
  req.end();
}
parentPort.on('message', (m) => { if (m === 'report') parentPort.postMessage({ latencies }); });
`;

/**
 * Runs `write(i)` WATCH_WARMUP + WATCH_WRITES times, each after every watcher saw the previous one; returns the write →
 * event latencies of the measured writes.
 */
async function watchFanOut(sim: KubeSim, watchers: number, write: (i: number) => Promise<void>): Promise<number[]> {
  const url = `${sim.url.replace('https://', 'http://')}/api/v1/namespaces/fanout/configmaps?watch=1&resourceVersion=${sim.store.currentResourceVersion()}`;
  const worker = new Worker(WATCHER_THREAD, { eval: true, workerData: { url, token: sim.token, watchers, warmup: WATCH_WARMUP } });
  const waiters = new Map<string, () => void>();
  let onReady!: () => void;
  const ready = new Promise<void>((r) => { onReady = r; });
  let onReport!: (l: number[]) => void;
  const reported = new Promise<number[]>((r) => { onReport = r; });
  worker.on('message', (m: { ready?: boolean; done?: string; latencies?: number[] }) => {
    if (m.ready) onReady();
    if (m.done) waiters.get(m.done)?.();
    if (m.latencies) onReport(m.latencies);
  });
  await ready;
  for (let i = 1; i <= WATCH_WARMUP + WATCH_WRITES; i++) {
    const seenByAll = new Promise<void>((r) => waiters.set(String(i), r));
    await write(i);
    await seenByAll;
  }
  worker.postMessage('report');
  const latencies = await reported;
  await worker.terminate();
  return latencies;
}

/** A full GC before reading memory, so the numbers are live data rather than garbage awaiting collection. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Waves of a RollingUpdate when every new pod takes the same time to turn Ready: the deployment controller scales the new
 * ReplicaSet up to replicas+maxSurge total and the old one down to replicas-maxUnavailable available, then waits.
 */
function rollingWaves(replicas: number, surge: number, unavailable: number): number {
  let oldPods = replicas;
  let newPods = 0;
  let newReady = 0;
  for (let waves = 0; waves <= replicas; waves++) {
    for (let changed = true; changed;) {
      changed = false;
      const up = Math.min(replicas, replicas + surge - oldPods);
      if (up > newPods) { newPods = up; changed = true; }
      const down = Math.min(oldPods, oldPods + newReady - (replicas - unavailable));
      if (down > 0) { oldPods -= down; changed = true; }
    }
    if (newReady === replicas && oldPods === 0) return waves;
    newReady = newPods;
  }
  throw new Error('rolling update cannot progress with these parameters');
}

function report(results: Record<string, unknown>, targets: Record<string, boolean>): void {
  const r = results as any;
  const date = new Date().toISOString();
  const lines = [
    '',
    `## kube-sim — ${date.slice(0, 10)} (${date})`,
    '',
    `Node ${process.version}, in-process simulator (store + controllers + kubelets + HTTP API), time scale 1; ${cpus().length} CPUs, load average before/after ${r.loadBefore}/${loadavg()[0].toFixed(1)} (the machine is shared: latency tails move with it).`,
    '',
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| create 1,000 Deployments (API, 16 in flight) | ${r.create.deploymentsPerSec}/s; all ${r.create.pods} pods available after ${r.create.allAvailableSec} s | |`,
    `| RSS with ${r.create.pods} pods | ${r.rssMbAt10kPods} MB (heap ${r.heapMbAt10kPods} MB) | < 500 MB ${targets.rss ? '✅' : '❌'} |`,
    `| list 10,000 pods (${r.list.fullListMb} MB JSON) | ${r.list.fullListMs} ms | |`,
    `| list by label selector (10 of 10,000) | ${r.list.selectedListMs} ms | |`,
    `| get one pod (10 connections) | ${r.get.reqPerSec} req/s, p99 ${r.get.p99Ms} ms | |`,
    `| watch fan-out, write → event at ${r.watch.watchers} watchers (${r.watch.writes} writes after ${WATCH_WARMUP} warm-up; watchers in a worker thread) | p50 ${r.watch.p50Ms} ms, p99 ${r.watch.p99Ms} ms | p99 < 5 ms ${targets.watchP99 ? '✅' : '❌'} |`,
    `| ${r.rollingUpdate.replicas}-replica rolling update (25%/25%) | ${r.rollingUpdate.wallMs} ms vs ideal ${r.rollingUpdate.idealMs} ms (${r.rollingUpdate.waves} waves × ${r.rollingUpdate.podReadyMs} ms) = +${r.rollingUpdate.overheadPct}% | ≤ 5% ${targets.rolling ? '✅' : '❌'} |`,
    `| RSS at the end | ${r.rssMbEnd} MB | |`,
    '',
    '```json',
    JSON.stringify({ bench: 'kube-sim', date, ...results, targets }),
    '```',
    '',
  ];
  // BENCH_NO_APPEND=1 for trial runs (e.g. with BENCH_DEPLOYMENTS=50).
  if (!process.env.BENCH_NO_APPEND) {
    const file = resolve(__dirname, '../BENCHMARKS.md');
    if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n');
    appendFileSync(file, lines.join('\n'));
  }
  console.log(lines.join('\n'));
  console.log(JSON.stringify({ bench: 'kube-sim', date, ...results, targets }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
