// `npm run bench:api`: the api's read and write paths against a bare route of the same framework, for Fastify and
// Express, in one run. Each server runs in a child process of its own, so the load generator (this process) does
// not share an event loop with it. Results are printed, appended to BENCHMARKS.md, and end with one JSON line.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import autocannon from 'autocannon';

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

function start(kind: 'bare' | 'api', adapter: Adapter, env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; url: string }> {
  const profile = PROFILE_DIR && kind === 'api' ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `api-${adapter}.cpuprofile`] : [];
  const proc = spawn(process.execPath, [...profile, '-r', path.join(root, 'scripts/ts-register.cjs'), __filename, '--serve', kind, adapter], {
    cwd: root,
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
  try {
    const results = {} as Record<Adapter, Record<Target, Figures>>;
    for (const adapter of ADAPTERS) {
      console.log(`benchmarking ${adapter} (${CONNECTIONS} connections, ${DURATION_S} s per route)...`);
      results[adapter] = await benchAdapter(adapter, env, token);
    }
    const text = table(results);
    console.log(`\n${text}\n`);
    const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
    // BENCH_NO_RECORD=1: a trial run that leaves BENCHMARKS.md alone.
    if (process.env.BENCH_NO_RECORD !== '1') {
      const file = path.join(root, 'BENCHMARKS.md');
      if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n\nResults appended by the `npm run bench:*` scripts, newest last.\n');
      appendFileSync(
        file,
        `\n## API: ${date} UTC (npm run bench:api)\n\nautocannon, ${CONNECTIONS} connections, ${DURATION_S} s per route after a ${WARMUP_S} s warm-up; ` +
          `server in a child process, Node ${process.version}, LOG_LEVEL=warn. Target: reads ≥ 0.50 of the floor with p99 < 20 ms.\n\n${text}\n`,
      );
    }
    console.log(JSON.stringify({ bench: 'api', at: new Date().toISOString(), connections: CONNECTIONS, durationS: DURATION_S, results }));
  } finally {
    await dropDatabase(databaseUrl);
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
