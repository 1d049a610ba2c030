// The security suite's harness: a real api process (its logs and its memory are part of what is measured), the
// seeded resources and planted secrets, a raw HTTP client that sends requests exactly as generated, and the
// evidence (table fingerprints, database text, Redis contents) the assertions read.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';

const root = path.resolve(__dirname, '../../../..');

export interface ApiProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The api as its own process, with SIGWINCH = full GC (see gc-on-signal.cjs). Resolves once /healthz answers. */
export async function startApiProcess(env: NodeJS.ProcessEnv): Promise<ApiProcess> {
  const port = await freePort();
  const args = ['--expose-gc', '-r', path.join(__dirname, 'gc-on-signal.cjs'), '-r', path.join(root, 'scripts/ts-register.cjs'), path.join(root, 'apps/api/src/main.ts')];
  const proc = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  proc.stdout?.on('data', (c: Buffer) => chunks.push(c.toString()));
  proc.stderr?.on('data', (c: Buffer) => chunks.push(c.toString()));
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      // An api that dies under fuzzing is the finding: say so with its last words.
      if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') console.error(`api process exited (${code ?? signal}):\n${chunks.join('').slice(-4000)}`);
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  let up = false;
  while (!up && Date.now() < deadline && proc.exitCode === null) {
    up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (!up) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!up) {
    proc.kill('SIGKILL');
    throw new Error(`the api process did not start:\n${chunks.join('').slice(-3000)}`);
  }
  return {
    proc,
    url,
    port,
    output: () => chunks.join(''),
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/** Resident set size of a process in bytes, after a full GC of it (SIGWINCH) and a moment to settle. */
export async function rssAfterGc(proc: ChildProcess): Promise<number> {
  for (let i = 0; i < 2; i += 1) {
    proc.kill('SIGWINCH');
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One request exactly as given (the path is not normalised or re-encoded). */
export function rawRequest(port: number, method: string, target: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    // Node refuses to send a path with spaces or control characters at all: those few get percent-encoded.
    const path = target.replace(/[^\u0021-\u00ff]/g, (c) => encodeURIComponent(c));
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) } },
      (res) => {
        // An event stream never ends by itself: its status and headers are the answer.
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          return;
        }
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Runs `tasks` with at most `width` in flight. */
export async function inParallel<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: width }, async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await task(item);
    }
  });
  await Promise.all(workers);
}

/** The forms a planted secret could leak in: as is, base64, base64url, hex. */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex')];
}

export function findSecrets(text: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const form of secretForms(secret)) if (text.includes(form)) found.push(name);
  }
  return [...new Set(found)];
}

async function withDb<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function tables(client: Client): Promise<string[]> {
  const res = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '\\_%' ORDER BY tablename`);
  return res.rows.map((r) => r.tablename);
}

/** Columns any accepted read may touch (a token's use is recorded at most once a minute): not a change of state. */
const VOLATILE_COLUMNS: Record<string, string[]> = { ApiToken: ['lastUsedAt'] };

/** Per table: row count and a fingerprint of every row, so an update shows as well as an insert or delete. */
export function tableFingerprints(databaseUrl: string): Promise<Record<string, string>> {
  return withDb(databaseUrl, async (client) => {
    const out: Record<string, string> = {};
    for (const table of await tables(client)) {
      const row = `(to_jsonb(t) - ${`ARRAY[${(VOLATILE_COLUMNS[table] ?? []).map((c) => `'${c}'`).join(',')}]::text[]`})::text`;
      const res = await client.query<{ n: string; h: string }>(`SELECT count(*)::text AS n, md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS h FROM "${table}" t`);
      out[table] = `${res.rows[0]!.n}:${res.rows[0]!.h}`;
    }
    return out;
  });
}

/** Audit rows of accepted changes (outcome success). */
export function auditSuccessRows(databaseUrl: string): Promise<number> {
  return withDb(databaseUrl, async (client) => Number((await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM "AuditEntry" WHERE outcome = 'success'`)).rows[0]!.n));
}

/** Every row of every table as text (bytea as hex): what a secret grep reads. */
export function databaseText(databaseUrl: string): Promise<string> {
  return withDb(databaseUrl, async (client) => {
    const parts: string[] = [];
    for (const table of await tables(client)) {
      const res = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t`);
      for (const r of res.rows) parts.push(r.row);
    }
    return parts.join('\n');
  });
}

/** Every key under `prefix` with its value(s), as text. */
export async function redisText(redisUrl: string, prefix: string): Promise<{ keys: number; text: string }> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const parts: string[] = [];
  let keys = 0;
  try {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of batch) {
        keys += 1;
        const type = await redis.type(key);
        parts.push(key);
        if (type === 'string') parts.push((await redis.get(key)) ?? '');
        else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES')));
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { keys, text: parts.join('\n') };
}
