import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const main = path.join(root, 'apps/api/src/main.ts');

function run(env: NodeJS.ProcessEnv): { proc: ChildProcess; output: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const proc = spawn(process.execPath, ['-r', path.join(root, 'scripts/ts-register.cjs'), main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, output: () => out, exit };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the api process', () => {
  it.each([
    ['a missing secret key', { CUTOVER_SECRET_KEY: '' }, 'CUTOVER_SECRET_KEY'],
    ['a malformed port', { PORT: 'eighty' }, 'PORT'],
    ['a malformed database URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  ])('refuses to start with %s, naming it', async (_case, override, variable) => {
    const child = run({ ...process.env, ...override });
    const { code } = await child.exit;
    expect(code).toBe(1);
    expect(child.output()).toContain(variable);
  });

  it('serves, then stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = run({ ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    const deadline = Date.now() + 30_000;
    let up = false;
    while (!up && Date.now() < deadline && child.proc.exitCode === null) {
      up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(up).toBe(true);
    child.proc.kill('SIGTERM');
    const exit = await Promise.race([child.exit, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000))]);
    expect(exit).not.toBe('hung');
    // Every line on stdout is a JSON log line.
    const lines = child.output().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
