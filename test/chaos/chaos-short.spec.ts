// The chaos suite's short profile inside `npm test` (CI): 2 apis, 2 workers, the simulator, a private Redis and a
// private Postgres cluster; 10 mixed rollouts under every fault at once (worker and api SIGKILLs, Redis FLUSHALL,
// a Postgres restart, simulator 500s/429s/latency/cut watches). The full profile is `npm run test:chaos -- --profile
// full` (docs/chaos.md).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

describe('chaos suite, short profile', () => {
  it('brings every rollout to the end its release deserves under every fault at once', async () => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/run-ts.mjs'), 'test/chaos/chaos.ts', '--profile', 'short'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    // The runner stops everything it started; should it hang, its whole process group goes before the test's timeout.
    const stop = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 450_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(stop);
    expect(output, output).toMatch(/all: passed/);
    expect(code, output).toBe(0);
  }, 480_000);
});
