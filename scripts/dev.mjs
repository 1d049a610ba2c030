// `npm run dev`: the newcomer's command. Checks Postgres and Redis, applies migrations, starts a sandbox cluster
// (the Kubernetes API simulator), the api and the worker from source, registers the sandbox as cluster `sandbox`,
// and prints where everything is. Ctrl-C stops it all.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaults, requireServices } from './services.mjs';
import { migrate } from './migrate-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// CUTOVER_SANDBOX_DIR: another place for the dev secrets and the sandbox's kubeconfig (the docs test uses its own).
const sandboxDir = process.env.CUTOVER_SANDBOX_DIR ? path.resolve(process.env.CUTOVER_SANDBOX_DIR) : path.join(root, '.sandbox');
const devEnvFile = path.join(sandboxDir, 'dev.env.json');
const say = (msg) => console.log(`\x1b[36m[dev]\x1b[0m ${msg}`);

function devSettings() {
  mkdirSync(sandboxDir, { recursive: true });
  // Kept across restarts: the secret key decrypts stored cluster credentials, the tokens are what you pasted into tools.
  const saved = existsSync(devEnvFile) ? JSON.parse(readFileSync(devEnvFile, 'utf8')) : {};
  const settings = {
    CUTOVER_SECRET_KEY: saved.CUTOVER_SECRET_KEY ?? randomBytes(32).toString('hex'),
    CUTOVER_BOOTSTRAP_TOKEN: saved.CUTOVER_BOOTSTRAP_TOKEN ?? `cut_dev_${randomBytes(18).toString('base64url')}`,
    KUBE_SIM_TOKEN: saved.KUBE_SIM_TOKEN ?? `sim-${randomBytes(12).toString('hex')}`,
  };
  writeFileSync(devEnvFile, JSON.stringify(settings, null, 2), { mode: 0o600 });
  return settings;
}

const children = [];
let stopping = false;
/** Resolved when a line of the process's output matches: how dev knows the worker is up (it has no port). */
const waiters = [];
function onLine(pattern) {
  return new Promise((resolve) => waiters.push({ pattern, resolve }));
}

/** Each child's lines go through as they are (one JSON line per log record), and are watched for `onLine`. */
function forward(stream, out) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      out.write(`${line}\n`);
      for (const w of waiters.filter((x) => x.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  stream.on('end', () => rest && out.write(`${rest}\n`));
}

function start(name, entry, env) {
  const child = spawn(process.execPath, [path.join(root, 'scripts/run-ts.mjs'), entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n✖ ${name} stopped (${signal ?? `exit ${code}`}); stopping the rest. Its log is above.`);
    shutdown(1);
  });
  return child;
}

function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function waitFor(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  const env = { ...process.env };
  env.DATABASE_URL ??= defaults.DATABASE_URL;
  env.REDIS_URL ??= defaults.REDIS_URL;
  await requireServices(env);
  const settings = devSettings();
  Object.assign(env, { ...settings, ...pick(process.env, Object.keys(settings)) });
  env.PORT ??= '3000';
  env.KUBE_SIM_PORT ??= '6550';
  env.KUBE_SIM_KUBECONFIG ??= path.join(sandboxDir, 'kubeconfig');
  env.LOG_LEVEL ??= 'info';
  // One line per request is noise while you try things: at debug (LOG_LEVEL=debug shows them again).
  env.ACCESS_LOG_LEVEL ??= 'debug';

  say(`applying migrations to ${redact(env.DATABASE_URL)}`);
  await migrate({ databaseUrl: env.DATABASE_URL, migrationsDir: path.join(root, 'prisma/migrations'), log: (m) => say(m) });

  say(`starting the sandbox cluster (Kubernetes API simulator) on 127.0.0.1:${env.KUBE_SIM_PORT}`);
  start('kube-sim', 'apps/kube-sim/src/main.ts', env);
  const simUrl = `http://127.0.0.1:${env.KUBE_SIM_PORT}`;
  await waitFor('the sandbox cluster', async () => (await fetch(`${simUrl}/_sim/healthz`)).ok && existsSync(env.KUBE_SIM_KUBECONFIG));

  // Dashboard (issue 13): built once into dist/dashboard, served by the api at /ui (docs/dashboard.md).
  say('building the dashboard (apps/dashboard) for /ui');
  await buildDashboard();

  say('starting the api and the worker');
  const workerUp = onLine(/worker up/);
  start('api', 'apps/api/src/main.ts', env);
  start('worker', 'apps/worker/src/main.ts', env);
  const api = `http://127.0.0.1:${env.PORT}`;
  await waitFor('the api', async () => (await fetch(`${api}/readyz`)).ok, 90_000);
  await Promise.race([workerUp, new Promise((_, reject) => setTimeout(() => reject(new Error('the worker did not come up within 90s')), 90_000).unref())]);

  const kubeconfig = readFileSync(env.KUBE_SIM_KUBECONFIG, 'utf8');
  const auth = { authorization: `Bearer ${env.CUTOVER_BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' };
  // Registered once; on a restart its credentials are replaced (PATCH), so environments that use it keep working.
  const existing = await fetch(`${api}/v1/clusters/sandbox`, { headers: auth });
  const reg =
    existing.status === 200
      ? await fetch(`${api}/v1/clusters/sandbox`, { method: 'PATCH', headers: auth, body: JSON.stringify({ kubeconfig }) })
      : await fetch(`${api}/v1/clusters`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'sandbox', kubeconfig, labels: { sandbox: 'true' } }) });
  if (reg.status === 201) say('registered the sandbox cluster as `sandbox`');
  else if (reg.status === 200) say('the sandbox cluster `sandbox` is registered (credentials renewed)');
  else throw new Error(`registering the sandbox cluster failed (${reg.status}): ${await reg.text()}`);

  const dashboard = await fetch(`${api}/ui/`).then((r) => r.ok, () => false);
  const kubeconfigPath = path.relative(process.cwd(), env.KUBE_SIM_KUBECONFIG) || env.KUBE_SIM_KUBECONFIG;
  // Last, so it is what the screen shows; the processes log at info from here on (requests at debug).
  console.log(`
\x1b[1m  Cutover is running\x1b[0m
    API + OpenAPI UI  ${api}/docs
    GraphQL console   ${api}/graphql${dashboard ? `\n    dashboard         ${api}/ui/  (sign in with the admin token; CLI: cutover login --server ${api})` : ''}
    admin token       ${env.CUTOVER_BOOTSTRAP_TOKEN}
    sandbox cluster   kubectl --kubeconfig ${kubeconfigPath} get nodes
    try               curl -s -H "authorization: Bearer ${env.CUTOVER_BOOTSTRAP_TOKEN}" ${api}/v1/clusters
    stop              Ctrl-C (secrets and token are kept in ${path.relative(process.cwd(), devEnvFile)}; docs/getting-started.md#restarting)
`);
}

/** Dashboard (issue 13): `npm run build:dashboard` as a child; a failed build leaves /ui answering 404, not the api down. */
function buildDashboard() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/build-dashboard.mjs'), '--quiet'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => {
      if (code !== 0) say(`the dashboard build failed (exit ${code}); /ui will answer 404 until \`npm run build:dashboard\` succeeds`);
      resolve();
    });
  });
}

function pick(obj, keys) {
  return Object.fromEntries(keys.filter((k) => obj[k]).map((k) => [k, obj[k]]));
}
function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

main().catch((err) => {
  console.error(`\n✖ npm run dev failed: ${err.message}`);
  shutdown(1);
});
