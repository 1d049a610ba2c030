// docs/getting-started.md stays true: its shell blocks, in order, against a stack started by `npm run dev`'s own
// script (scripts/dev.mjs: migrations, the sandbox cluster, the api and the worker, the sandbox registered) on free
// ports, with a database, Redis prefix and sandbox folder of its own. A block that fails, a command that answers a
// problem document, or a wait that never ends fails the test and names the command.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScratchDatabase } from '@cutover/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const GUIDE = path.join(root, 'docs/getting-started.md');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The guide's ```sh blocks, in order, without the one that installs and starts Cutover (the test did that). */
export function guideCommands(markdown: string, api: string, token: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((block) => !/^npm (ci|run dev)\b/m.test(block))
    .map((block) => block.replace(/^export CUTOVER=.*$/m, `export CUTOVER=${api}`).replace(/^export TOKEN=.*$/m, `export TOKEN=${token}`));
}

const hasKubectl = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).status === 0;

describe('docs/getting-started.md, pasted in order', () => {
  let dev: ChildProcess | undefined;
  let output = '';
  let work: string;
  let db: { url: string; drop: () => Promise<void> };
  let api: string;

  beforeAll(async () => {
    db = await createScratchDatabase({ migrated: false });
    work = mkdtempSync(path.join(tmpdir(), 'cutover-guide-'));
    const port = await freePort();
    api = `http://localhost:${port}`;
    dev = spawn(process.execPath, [path.join(root, 'scripts/dev.mjs')], {
      cwd: work,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: String(port),
        KUBE_SIM_PORT: String(await freePort()),
        CUTOVER_SANDBOX_DIR: path.join(work, '.sandbox'),
        // Under the run's prefix, so the run's clean-up removes its Redis keys.
        CUTOVER_QUEUE_PREFIX: `${process.env.CUTOVER_QUEUE_PREFIX ?? 'cutover'}-guide`,
        LOG_LEVEL: 'info',
        CUTOVER_BOOTSTRAP_TOKEN: '',
        KUBE_SIM_TOKEN: '',
        CUTOVER_SECRET_KEY: '',
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    dev.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 150_000;
    while (!output.includes('Cutover is running')) {
      if (dev.exitCode !== null || Date.now() > deadline) throw new Error(`npm run dev did not come up:\n${output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 180_000);

  afterAll(async () => {
    if (dev?.pid && dev.exitCode === null) {
      // dev.mjs stops its children on SIGTERM; the group kill is the safety net.
      process.kill(-dev.pid, 'SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-dev!.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
          resolve(undefined);
        }, 10_000);
        dev!.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    await db?.drop().catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('npm run dev ends with its banner: URLs, the admin token, the sandbox kubeconfig, how to stop', () => {
    const banner = output.slice(output.lastIndexOf('Cutover is running'));
    expect(banner).toMatch(/\/docs/);
    expect(banner).toMatch(/\/graphql/);
    expect(banner).toMatch(/admin token\s+cut_dev_/);
    expect(banner).toMatch(/kubectl --kubeconfig \.sandbox\/kubeconfig get nodes/);
    expect(banner).toMatch(/Ctrl-C/);
    // Nothing of npm run dev's own after it: the banner is what the screen shows.
    expect(banner).not.toContain('[dev]');
    expect(output).not.toMatch(/DeprecationWarning|Mapped \{/);
  });

  it('every command works, in order', { timeout: 240_000 }, () => {
    const token = (JSON.parse(readFileSync(path.join(work, '.sandbox/dev.env.json'), 'utf8')) as { CUTOVER_BOOTSTRAP_TOKEN: string }).CUTOVER_BOOTSTRAP_TOKEN;
    const blocks = guideCommands(readFileSync(GUIDE, 'utf8'), api, token);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    // kubectl is optional on a machine that runs the tests; without it those lines are left out.
    const kubectl = hasKubectl ? '' : 'kubectl() { echo "(kubectl not installed: skipped)"; }\n';
    const script = `shopt -s expand_aliases\nset -eo pipefail\n${kubectl}${blocks.map((b, i) => `echo "### block ${i + 1}"\nset -x\n${b}\nset +x\n`).join('\n')}`;
    const run = spawnSync('bash', ['-c', script], { cwd: work, encoding: 'utf8', timeout: 180_000, killSignal: 'SIGKILL' });
    const transcript = `${run.stdout}\n${run.stderr}`;
    const lastCommand = run.stderr.split('\n').filter((l) => l.startsWith('+')).pop();
    if (run.error || run.status !== 0) throw new Error(`the guide broke at: ${lastCommand ?? '(start)'} (status ${run.status}${run.error ? `, ${run.error.message}` : ''})\n${transcript.slice(-4000)}`);
    // A ccurl that answered a problem (4xx/5xx) does not fail the shell: look for problem documents instead.
    const problems = run.stdout.match(/\{"type":"https:\/\/cutover\.dev\/problems\/[^\n]*/g) ?? [];
    expect(problems).toEqual([]);
    expect(run.stdout).toContain('"phase": "RolledBack"');
  });
});
