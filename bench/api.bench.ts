// `npm run bench:api`: the api's read and write paths against a bare route of the same framework, for Fastify and
// Express, in one run. Each server runs in a child process of its own, so the load generator (this process) does
// not share an event loop with it. Results are printed, appended to BENCHMARKS.md, and end with one JSON line.
// Then audited writes (issue 16 §5): release creation (one app, and spread over 16 apps) and app creation at 64
// clients, with the audit sealer's lag (commit → sealed) and the load average; with BENCH_BASELINE_DIR=<checkout of
// an older commit, node_modules linked, client generated> the same writes against that code, interleaved, for ratios.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';

type Adapter = 'fastify' | 'express';
type Target = 'floor' | 'floorLarge' | 'nest' | 'list' | 'create';

const CONNECTIONS = 64;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = 2;
const RELEASES = 50;
const root = path.resolve(__dirname, '..');
// BENCH_ADAPTERS=fastify: one adapter only (quicker trials). BENCH_PROFILE=<dir>: CPU profiles of the api servers.
const ADAPTERS = (process.env.BENCH_ADAPTERS ?? 'fastify,express').split(',').filter((a): a is Adapter => a === 'fastify' || a === 'express');
const PROFILE_DIR = process.env.BENCH_PROFILE;

interface Figures {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

// ---- child mode: one server --------------------------------------------------------------------------------------

/** A JSON text the size and shape of the 50-release page, sent as-is: the floor for the payload alone. */
function largeBody(): string {
  const items = Array.from({ length: RELEASES }, (_, i) => ({
    id: '00000000-0000-4000-8000-' + String(i).padStart(12, '0'),
    app: 'bench',
    version: `1.0.${i}`,
    seq: i + 1,
    digest: 'a'.repeat(64),
    spec: { podSpec: { containers: [{ name: 'bench', image: `registry.local/bench:1.0.${i}`, imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 30 }, podLabels: {}, podAnnotations: {}, hooks: { preDeploy: [] } },
    notes: null,
    commitSha: null,
    createdBy: 'bootstrap',
    createdAt: new Date(0).toISOString(),
  }));
  return JSON.stringify({ items, nextCursor: null });
}

async function serveBare(adapter: Adapter): Promise<number> {
  const body = { ok: true };
  const large = largeBody();
  if (adapter === 'fastify') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    app.get('/bare', async () => body);
    app.get('/bare-large', async (_req, reply) => reply.type('application/json; charset=utf-8').send(large));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as { port: number }).port;
  }
  // Express without its types: the Nest adapter builds the same express() app the api uses.
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  type Res = { json: (b: unknown) => void; type: (t: string) => Res; send: (b: string) => void };
  const app = new ExpressAdapter().getInstance() as { get: (p: string, h: (req: unknown, res: Res) => void) => void };
  app.get('/bare', (_req, res) => res.json(body));
  app.get('/bare-large', (_req, res) => res.type('application/json; charset=utf-8').send(large));
  const server = createServer(app as unknown as Parameters<typeof createServer>[1]);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function serveApi(adapter: Adapter): Promise<number> {
  const { createApp } = await import('../apps/api/src/app.factory');
  const app = await createApp({ adapter });
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as { port: number }).port;
}

async function child(kind: string, adapter: Adapter): Promise<void> {
  const port = kind === 'bare' ? await serveBare(adapter) : await serveApi(adapter);
  process.stdout.write(`LISTENING ${port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

// ---- parent mode: orchestration ----------------------------------------------------------------------------------

function start(kind: 'bare' | 'api', adapter: Adapter, env: NodeJS.ProcessEnv, codeRoot = root): Promise<{ proc: ChildProcess; url: string }> {
  const profile = PROFILE_DIR && kind === 'api' ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `api-${adapter}.cpuprofile`] : [];
  const entry = path.join(codeRoot, 'bench/api.bench.ts');
  const proc = spawn(process.execPath, [...profile, '-r', path.join(codeRoot, 'scripts/ts-register.cjs'), entry, '--serve', kind, adapter], {
    cwd: codeRoot,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\d+)/.exec(out);
      if (match) resolve({ proc, url: `http://127.0.0.1:${match[1]}` });
    });
    proc.once('exit', (code) => reject(new Error(`${kind} ${adapter} server exited with ${code}`)));
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

async function call(url: string, method: string, pathName: string, token: string, body?: unknown): Promise<void> {
  const res = await fetch(`${url}${pathName}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathName}: ${res.status} ${await res.text()}`);
}

async function load(options: autocannon.Options, seconds: number): Promise<Figures> {
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration: seconds });
  if (process.env.BENCH_DEBUG) console.log(JSON.stringify({ total: result.requests.total, codes: result.statusCodeStats, errors: result.errors, timeouts: result.timeouts, p50: result.latency.p50 }));
  return {
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function measure(options: autocannon.Options): Promise<Figures> {
  await load(options, WARMUP_S);
  return load(options, DURATION_S);
}

async function benchAdapter(adapter: Adapter, env: NodeJS.ProcessEnv, token: string): Promise<Record<Target, Figures>> {
  const bare = await start('bare', adapter, env);
  let floor: Figures;
  let floorLarge: Figures;
  try {
    floor = await measure({ url: `${bare.url}/bare` });
    floorLarge = await measure({ url: `${bare.url}/bare-large` });
  } finally {
    await stop(bare.proc);
  }

  const api = await start('api', adapter, env);
  try {
    const app = `bench-${adapter}`;
    await call(api.url, 'POST', '/v1/apps', token, { name: app });
    for (let i = 0; i < RELEASES; i++) await call(api.url, 'POST', `/v1/apps/${app}/releases`, token, { version: `1.0.${i}`, image: `registry.local/${app}:1.0.${i}` });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // The api's own cheapest route (public, no database): Nest and the api's hooks without the data path.
    const nest = await measure({ url: `${api.url}/healthz` });
    const list = await measure({ url: `${api.url}/v1/apps/${app}/releases`, headers });
    let n = 0;
    const create = await measure({
      url: `${api.url}/v1/apps/${app}/releases`,
      method: 'POST',
      headers,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            n += 1;
            return { ...req, body: JSON.stringify({ version: `2.0.${n}`, image: `registry.local/${app}:2.0.${n}` }) };
          },
        },
      ],
    });
    return { floor, floorLarge, nest, list, create };
  } finally {
    await stop(api.proc);
  }
}

function table(results: Record<Adapter, Record<Target, Figures>>): string {
  const rows = ['| adapter | route | req/s | p50 ms | p99 ms | vs floor | errors/non-2xx |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  const names: Record<Target, string> = { floor: 'bare GET (floor)', floorLarge: 'bare GET, same ~24 KB body (context)', nest: 'GET /healthz (Nest, no DB)', list: 'GET /v1/apps/:app/releases (50)', create: 'POST /v1/apps/:app/releases' };
  for (const adapter of Object.keys(results) as Adapter[]) {
    const r = results[adapter];
    for (const target of ['floor', 'floorLarge', 'nest', 'list', 'create'] as Target[]) {
      const f = r[target];
      const ratio = target === 'floor' ? '1.00' : (f.reqPerSec / r.floor.reqPerSec).toFixed(2);
      rows.push(`| ${adapter} | ${names[target]} | ${f.reqPerSec} | ${f.p50} | ${f.p99} | ${ratio} | ${f.errors}/${f.non2xx} |`);
    }
  }
  return rows.join('\n');
}

// ---- audited writes (issue 16 §5) -------------------------------------------------------------------------------

type WriteTarget = 'releaseOneApp' | 'releaseSpread' | 'appCreate';
const WRITE_TARGETS: WriteTarget[] = ['releaseOneApp', 'releaseSpread', 'appCreate'];
const WRITE_NAMES: Record<WriteTarget, string> = {
  releaseOneApp: 'POST /v1/apps/:app/releases, one app',
  releaseSpread: 'POST /v1/apps/:app/releases, 16 apps',
  appCreate: 'POST /v1/apps',
};
const SPREAD_APPS = 16;
// Version / name prefixes per target: the one-app and 16-app runs both write to app w0, so they must not share versions.
const TAGS: Record<WriteTarget, string> = { releaseOneApp: 'one', releaseSpread: 'spread', appCreate: 'app' };

interface WriteFigures extends Figures {
  /** os.loadavg()[0] when the measurement ended. */
  load1: number;
  /** commit → sealed, over the entries the measured window wrote (null: the code has no sealer). */
  lagP50: number | null;
  lagP99: number | null;
  lagMax: number | null;
  /** From the end of the load until every entry was sealed (ms). */
  drainMs: number | null;
}

async function sealerLag(databaseUrl: string, since: Date, loadEnded: number): Promise<Pick<WriteFigures, 'lagP50' | 'lagP99' | 'lagMax' | 'drainMs'>> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const sealer = await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'AuditEntry' AND column_name = 'sealedAt'`);
    if (sealer.rowCount === 0) return { lagP50: null, lagP99: null, lagMax: null, drainMs: null };
    // Wait for the condition (every entry sealed), checking every 50 ms, 60 s at most.
    const deadline = Date.now() + 60_000;
    let drainMs: number | null = null;
    while (Date.now() < deadline) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEntry" WHERE "hash" IS NULL`);
      if (rows[0]!.n === 0) {
        drainMs = Math.max(0, Date.now() - loadEnded);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { rows } = await db.query<{ p50: number; p99: number; max: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY l) AS p99, max(l) AS max
       FROM (SELECT extract(epoch FROM ("sealedAt" - "at")) * 1000 AS l FROM "AuditEntry" WHERE "at" >= ($1::timestamptz AT TIME ZONE 'UTC') AND "sealedAt" IS NOT NULL) x`,
      [since.toISOString()],
    );
    const r = rows[0]!;
    return { lagP50: Math.round(Number(r.p50)), lagP99: Math.round(Number(r.p99)), lagMax: Math.round(Number(r.max)), drainMs };
  } finally {
    await db.end();
  }
}

async function measureWrites(
  url: string,
  token: string,
  databaseUrl: string,
  target: WriteTarget,
  tag: string,
): Promise<WriteFigures> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let n = 0;
  const body = (): { path: string; body: string } => {
    n += 1;
    if (target === 'appCreate') return { path: '/v1/apps', body: JSON.stringify({ name: `${tag}-a${n}` }) };
    const app = target === 'releaseOneApp' ? 'w0' : `w${n % SPREAD_APPS}`;
    return { path: `/v1/apps/${app}/releases`, body: JSON.stringify({ version: `${tag}.${n}.0`, image: `registry.local/${app}:${tag}.${n}` }) };
  };
  const options: autocannon.Options = {
    url,
    method: 'POST',
    headers,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const next = body();
          return { ...req, path: next.path, body: next.body };
        },
      },
    ],
  };
  await load(options, WARMUP_S);
  const since = new Date();
  const figures = await load(options, DURATION_S);
  const loadEnded = Date.now();
  const load1 = Math.round(loadavg()[0]! * 10) / 10;
  return { ...figures, load1, ...(await sealerLag(databaseUrl, since, loadEnded)) };
}

interface Variant {
  name: 'sealer' | 'baseline';
  codeRoot: string;
  databaseUrl: string;
}

/** Each target against each variant in turn, so both see the same machine load. */
async function benchWrites(variants: Variant[], baseEnv: NodeJS.ProcessEnv, token: string): Promise<Record<string, Record<WriteTarget, WriteFigures>>> {
  const servers: Array<{ variant: Variant; proc: ChildProcess; url: string }> = [];
  const results: Record<string, Record<WriteTarget, WriteFigures>> = {};
  try {
    for (const variant of variants) {
      const env = { ...baseEnv, DATABASE_URL: variant.databaseUrl };
      const server = await start('api', 'fastify', env, variant.codeRoot);
      servers.push({ variant, ...server });
      for (let i = 0; i < SPREAD_APPS; i++) await call(server.url, 'POST', '/v1/apps', token, { name: `w${i}` });
      results[variant.name] = {} as Record<WriteTarget, WriteFigures>;
    }
    for (const target of WRITE_TARGETS) {
      for (const { variant, url } of servers) {
        console.log(`  ${target} on ${variant.name}...`);
        results[variant.name]![target] = await measureWrites(url, token, variant.databaseUrl, target, TAGS[target]);
      }
    }
  } finally {
    for (const server of servers) await stop(server.proc);
  }
  return results;
}

function writesTable(results: Record<string, Record<WriteTarget, WriteFigures>>): string {
  const rows = [
    '| code | route (audited) | req/s | p50 ms | p99 ms | vs baseline | sealer lag p50 / p99 / max ms | drained after load ms | load avg (1 min) | errors/non-2xx |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const target of WRITE_TARGETS) {
    for (const name of Object.keys(results)) {
      const f = results[name]![target];
      const base = results.baseline?.[target];
      const ratio = base && name !== 'baseline' ? `${(f.reqPerSec / Math.max(1, base.reqPerSec)).toFixed(1)}×` : '';
      const lag = f.lagP50 === null ? 'n/a (chained at insert)' : `${f.lagP50} / ${f.lagP99} / ${f.lagMax}`;
      rows.push(`| ${name} | ${WRITE_NAMES[target]} | ${f.reqPerSec} | ${f.p50} | ${f.p99} | ${ratio} | ${lag} | ${f.drainMs ?? 'n/a'} | ${f.load1} | ${f.errors}/${f.non2xx} |`);
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const { migrate, dropDatabase } = (await import(path.join(root, 'scripts/migrate-lib.mjs'))) as {
    migrate: (o: { databaseUrl: string; createDatabase: boolean }) => Promise<void>;
    dropDatabase: (url: string) => Promise<void>;
  };
  const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cutover');
  server.pathname = `/cutover_bench_${Date.now()}`;
  const databaseUrl = server.toString();
  const token = `cut_bench_${randomBytes(16).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    CUTOVER_SECRET_KEY: process.env.CUTOVER_SECRET_KEY ?? randomBytes(32).toString('hex'),
    CUTOVER_BOOTSTRAP_TOKEN: token,
    CUTOVER_QUEUE_PREFIX: `bench${Date.now()}`,
    // Request logging off for both adapters alike: the benchmark measures the request path, not stdout.
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  await migrate({ databaseUrl, createDatabase: true });
  // Audited writes: databases of their own (the baseline's migrated by its own migrations).
  const baselineDir = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : undefined;
  const writesUrl = `${databaseUrl}_w`;
  const baselineUrl = `${databaseUrl}_b`;
  const variants: Variant[] = [{ name: 'sealer', codeRoot: root, databaseUrl: writesUrl }];
  await migrate({ databaseUrl: writesUrl, createDatabase: true });
  if (baselineDir) {
    const old = (await import(path.join(baselineDir, 'scripts/migrate-lib.mjs'))) as { migrate: (o: { databaseUrl: string; createDatabase: boolean }) => Promise<void> };
    await old.migrate({ databaseUrl: baselineUrl, createDatabase: true });
    variants.push({ name: 'baseline', codeRoot: baselineDir, databaseUrl: baselineUrl });
  }
  try {
    const results = {} as Record<Adapter, Record<Target, Figures>>;
    if (process.env.BENCH_WRITES_ONLY !== '1') {
      for (const adapter of ADAPTERS) {
        console.log(`benchmarking ${adapter} (${CONNECTIONS} connections, ${DURATION_S} s per route)...`);
        results[adapter] = await benchAdapter(adapter, env, token);
      }
    }
    console.log(`audited writes, fastify (${CONNECTIONS} connections, ${DURATION_S} s each, variants: ${variants.map((v) => v.name).join(', ')})...`);
    const writes = await benchWrites(variants, env, token);
    const writesText = writesTable(writes);
    const text = Object.keys(results).length > 0 ? table(results) : '(reads skipped: BENCH_WRITES_ONLY=1)';
    console.log(`\n${text}\n\n${writesText}\n`);
    const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
    // BENCH_NO_RECORD=1: a trial run that leaves BENCHMARKS.md alone.
    if (process.env.BENCH_NO_RECORD !== '1') {
      const file = path.join(root, 'BENCHMARKS.md');
      if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n\nResults appended by the `npm run bench:*` scripts, newest last.\n');
      appendFileSync(
        file,
        `\n## API: ${date} UTC (npm run bench:api)\n\nautocannon, ${CONNECTIONS} connections, ${DURATION_S} s per route after a ${WARMUP_S} s warm-up; ` +
          `server in a child process, Node ${process.version}, LOG_LEVEL=warn. Target: reads ≥ 0.50 of the floor with p99 < 20 ms.\n\n${text}\n\n` +
          `Audited writes (issue 16 §5; target ≥ 1,000/s with p99 < 100 ms), fastify, each target run against each code in turn` +
          `${baselineDir ? ` (baseline: ${process.env.BENCH_BASELINE_LABEL ?? baselineDir})` : ''}; sealer lag = sealedAt − at of the entries the ${DURATION_S} s window wrote; ` +
          `load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')} at the end, 2 cores shared.\n\n${writesText}\n`,
      );
    }
    console.log(JSON.stringify({ bench: 'api', at: new Date().toISOString(), connections: CONNECTIONS, durationS: DURATION_S, results, writes, loadavg: loadavg() }));
  } finally {
    await dropDatabase(databaseUrl);
    await dropDatabase(writesUrl);
    if (baselineDir) await dropDatabase(baselineUrl);
  }
}

if (process.argv[2] === '--serve') {
  child(process.argv[3] ?? 'api', (process.argv[4] ?? 'fastify') as Adapter).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
