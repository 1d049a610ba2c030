// The chaos suite's stack: real processes, each in its own process group (so a kill reaches everything it started
// and `stop()` leaves nothing behind): a private Redis (FLUSHALL must not touch anyone else's keys), optionally a
// private Postgres cluster (restarting it must not disturb anyone else), the simulator, N api processes and
// N workers, all from the built dist/ (what `npm run start:*` runs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(__dirname, '../..');

export function log(message: string): void {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, everyMs = 100): Promise<T> {
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

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A child process in a process group of its own. */
export class Proc {
  readonly started = Date.now();
  readyAt: number | null = null;
  private readonly exited: Promise<void>;
  private readonly lines: Array<(line: string) => void> = [];
  readonly tail: string[] = [];

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        this.tail.push(line);
        if (this.tail.length > 50) this.tail.shift();
        for (const l of this.lines) l(line);
        if (process.env.CHAOS_VERBOSE) process.stderr.write(`  ${name}| ${line}\n`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when a line matches; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms; last lines:\n${this.tail.join('\n')}`)), timeoutMs);
      const listener = (line: string) => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        resolve(line);
      };
      this.lines.push(listener);
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}; last lines:\n${this.tail.join('\n')}`));
      });
    });
  }

  /** Signals the whole process group and waits for the leader to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.alive && this.child.pid) {
      try {
        process.kill(-this.child.pid, signal);
      } catch {
        // already gone
      }
    }
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.alive) return;
    const timer = setTimeout(() => void this.kill('SIGKILL'), graceMs);
    await this.kill('SIGTERM');
    clearTimeout(timer);
  }
}

/** Every process the suite started, so a failing run still stops them all. */
export const started = new Set<Proc>();

export function spawnProc(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new Proc(name, child);
  started.add(proc);
  child.once('exit', () => started.delete(proc));
  return proc;
}

/** Stops every process still running (newest first). */
export async function stopStarted(): Promise<void> {
  for (const p of [...started].reverse()) await p.stop().catch(() => undefined);
}

// ---- Redis: a private server, so FLUSHALL empties only this run -------------------------------------------------

export interface RedisServer {
  url: string;
  proc: Proc;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const proc = spawnProc('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], process.env);
  const url = `redis://127.0.0.1:${port}`;
  await until('redis to answer', () => (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().includes('PONG') ? true : undefined), 15_000);
  return { url, proc };
}

export function redisCli(url: string, ...args: string[]): string {
  const port = new URL(url).port;
  return spawnSync('redis-cli', ['-p', port, ...args]).stdout.toString().trim();
}

// ---- Postgres: a private cluster (initdb) so restarting it disturbs nobody; or a database on the shared server ----

export interface PostgresServer {
  url: string;
  /** The cluster's data directory (its postmaster.pid names the server process). */
  dataDir: string;
  /** Restart the server (fast shutdown: every connection is cut). */
  restart(): void;
  stop(): void;
}

function pgBin(): string {
  const versions = spawnSync('ls', ['/usr/lib/postgresql']).stdout.toString().trim().split('\n').filter(Boolean).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** Runs a Postgres binary as the `postgres` user when we are root (initdb and postgres refuse to run as root). */
function asPostgres(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' }) : spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = pgBin();
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cutover-chaos-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres', dir]);
  asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const ctl = (...args: string[]) => asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '60', '-l', path.join(dir, 'log'), '-o', opts, ...args]);
  ctl('start');
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/cutover_chaos`,
    dataDir: data,
    restart: () => ctl('restart', '-m', 'fast'),
    stop: () => {
      try {
        ctl('stop', '-m', 'immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// ---- the product's processes ------------------------------------------------------------------------------------

export interface ProductEnv {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  secretKey: string;
  bootstrapToken: string;
}

export function productEnv(databaseUrl: string, redisUrl: string): ProductEnv {
  return {
    databaseUrl,
    redisUrl,
    prefix: `chaos${Date.now().toString(36)}`,
    secretKey: randomBytes(32).toString('hex'),
    bootstrapToken: `cut_chaos_${randomBytes(18).toString('base64url')}`,
  };
}

function baseEnv(p: ProductEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: p.databaseUrl,
    REDIS_URL: p.redisUrl,
    CUTOVER_QUEUE_PREFIX: p.prefix,
    CUTOVER_SECRET_KEY: p.secretKey,
    CUTOVER_BOOTSTRAP_TOKEN: p.bootstrapToken,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

const dist = (app: string) => path.join(root, `dist/apps/${app}/src/main.js`);

export interface Sim {
  url: string;
  kubeconfig: string;
  proc: Proc;
  dir: string;
}

export async function startSim(options: { timeScale?: number; nodes?: number } = {}): Promise<Sim> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cutover-chaos-sim-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const proc = spawnProc('kube-sim', process.execPath, ['--enable-source-maps', dist('kube-sim')], {
    ...process.env,
    KUBE_SIM_PORT: String(port),
    KUBE_SIM_KUBECONFIG: kubeconfigPath,
    KUBE_SIM_TIME_SCALE: String(options.timeScale ?? 1),
    KUBE_SIM_NODES: String(options.nodes ?? 6),
  });
  await proc.waitForLine(/kube-sim listening/, 60_000);
  const url = `http://127.0.0.1:${port}`;
  return { url, kubeconfig: readFileSync(kubeconfigPath, 'utf8'), proc, dir };
}

export async function startApi(p: ProductEnv, name = 'api'): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const proc = spawnProc(name, process.execPath, ['--enable-source-maps', dist('api')], baseEnv(p, { PORT: String(port), HOST: '127.0.0.1' }));
  const url = `http://127.0.0.1:${port}`;
  await until(`${name} to be ready`, async () => {
    if (!proc.alive) throw new Error(`${name} exited: ${proc.tail.join('\n')}`);
    return (await fetch(`${url}/readyz`)).ok ? true : undefined;
  }, 90_000, 200);
  proc.readyAt = Date.now();
  return { proc, url };
}

export interface WorkerSettings {
  reconcileIntervalMs?: number;
  concurrency?: number;
  /** More variables (or other values: KUBE_QPS, METRICS_PORT, LOG_LEVEL…). */
  env?: Record<string, string>;
  /** Node options before the script (e.g. `-r <preload>`). */
  nodeArgs?: string[];
}

/** A worker process; resolves once it logged `worker up` (its module initialised, reconciler's first pass started). */
export async function startWorker(p: ProductEnv, name: string, settings: WorkerSettings = {}): Promise<Proc> {
  const { proc, ready } = spawnWorker(p, name, settings);
  await ready;
  return proc;
}

/** A worker process at once; `ready` resolves when it logged `worker up` (and sets `readyAt`). */
export function spawnWorker(p: ProductEnv, name: string, settings: WorkerSettings = {}): { proc: Proc; ready: Promise<void> } {
  const proc = spawnProc(
    name,
    process.execPath,
    [...(settings.nodeArgs ?? []), '--enable-source-maps', dist('worker')],
    baseEnv(p, {
      LOG_LEVEL: 'info',
      RECONCILE_INTERVAL_MS: String(settings.reconcileIntervalMs ?? 30_000),
      WORKER_CONCURRENCY: String(settings.concurrency ?? 20),
      KUBE_QPS: '500',
      KUBE_BURST: '1000',
      ...settings.env,
    }),
  );
  const ready = proc.waitForLine(/worker up/, 90_000).then(() => {
    proc.readyAt = Date.now();
  });
  return { proc, ready };
}

/** `npm run build` (dist/ is what the suite runs, as `npm run start:*` does). */
export function build(): void {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}
