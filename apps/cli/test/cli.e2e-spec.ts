// The `cutover` CLI as a process against the real stack (api + worker + simulator): login, a release from YAML,
// deploy, `status --watch` exiting 0 on success and 1 after an automatic rollback, JSON/YAML that parse, and the
// exit codes scripts rely on (2 usage, 3 auth, 4 conflict).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FacesStack, call, startFacesStack } from '../../dashboard/test/faces-stack';

const BIN = path.resolve(__dirname, '../bin/cutover.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('cutover CLI (process, real stack)', () => {
  let faces: FacesStack;
  let dir: string;
  let deployer: string;

  /** Runs the CLI with its config in the test's directory (never the user's ~/.config). */
  const cli = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const env = { PATH: process.env.PATH, HOME: dir, CUTOVER_CONFIG_DIR: path.join(dir, 'config'), ...options.env };
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-cli-'));
    faces = await startFacesStack('cli');
    deployer = await faces.api.token('deployer');
    await call(faces, faces.admin, 'POST', '/v1/apps', { name: 'web' });
    await call(faces, faces.admin, 'POST', '/v1/apps/web/environments', {
      name: 'prod',
      cluster: faces.clusterName,
      namespace: 'ns-cli-web',
      replicas: 2,
      strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 60 },
      service: { port: 80, targetPort: 8080 },
    });
  }, 120_000);
  afterAll(async () => {
    await faces?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in, creates a release from YAML, deploys and watches it to success (exit 0), then a broken one to its rollback (exit 1)', async () => {
    const login = await cli(['login', '--server', faces.api.url], { input: `${deployer}\n` });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/Logged in to .* \(deployer\)/);
    expect(statSync(path.join(dir, 'config/config.json')).mode & 0o777).toBe(0o600);

    writeFileSync(path.join(dir, 'v1.yaml'), 'version: 1.0.0\nimage: example/web:1.0.0\nnotes: first\n');
    const created = await cli(['releases', 'create', 'web', '-f', path.join(dir, 'v1.yaml')]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('release web 1.0.0 created');

    const deploy = await cli(['deploy', 'web', '1.0.0', '--to', 'prod', '--reason', 'first', '-o', 'json']);
    expect(deploy.code).toBe(0);
    expect(JSON.parse(deploy.stdout)).toMatchObject({ app: 'web', release: '1.0.0' });

    const watched = await cli(['status', 'web', 'prod', '--watch']);
    expect(watched.stderr).toBe('');
    expect(watched.code).toBe(0);
    expect(watched.stdout.trim().split('\n').at(-1)).toMatch(/Succeeded/);

    const status = await cli(['status', 'web', 'prod', '-o', 'json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ phase: 'Succeeded', release: '1.0.0' });
    const tree = await cli(['status', 'web', 'prod']);
    expect(tree.stdout).toMatch(/Status:\s+✔ Succeeded/);
    expect(tree.stdout).toContain('└──⧉ web');

    // A release that crashes: the deployment fails, rolls back by itself, and the watch exits 1.
    writeFileSync(path.join(dir, 'v2.json'), JSON.stringify({ version: '2.0.0', image: 'example/web:broken' }));
    expect((await cli(['releases', 'create', 'web', '-f', path.join(dir, 'v2.json')])).code).toBe(0);
    const broken = await cli(['deploy', 'web', '2.0.0', '--to', 'prod', '--reason', 'try', '--watch']);
    expect(broken.code).toBe(1);
    expect(broken.stdout.trim().split('\n').at(-1)).toMatch(/RolledBack|Failed/);

    const history = await cli(['history', 'web', 'prod', '-o', 'yaml']);
    expect(history.code).toBe(0);
    const items = load(history.stdout) as Array<{ release: string; phase: string }>;
    expect(items.map((d) => d.release)).toEqual(['2.0.0', '1.0.0']);
    expect(items[0]!.phase).toMatch(/RolledBack|Failed/);

    // A command the finished deployment does not allow: 409 → exit 4, with the detail and the next step.
    const conflict = await cli(['promote', 'web', 'prod', '--reason', 'late']);
    expect(conflict.code).toBe(4);
    expect(conflict.stderr).toMatch(/^error: .+\nnext: /);

    const audit = await cli(['audit', '--app', 'web', '-o', 'json']);
    expect(audit.code).toBe(0);
    expect((JSON.parse(audit.stdout) as Array<{ action: string }>).map((e) => e.action)).toContain('deployment.create');
  }, 240_000);

  it('exits 3 for a wrong token, 2 for bad usage, and honours CUTOVER_SERVER / CUTOVER_TOKEN', async () => {
    const wrong = await cli(['apps'], { env: { CUTOVER_SERVER: faces.api.url, CUTOVER_TOKEN: 'cut_not_a_token' } });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/error: .*\nnext: .*cutover login/);

    const badLogin = await cli(['login', '--server', faces.api.url], { input: 'cut_wrong\n' });
    expect(badLogin.code).toBe(3);

    expect((await cli(['deploy', 'web'])).code).toBe(2);
    expect((await cli(['status', 'web', 'prod', '-o', 'xml'])).code).toBe(2);
    expect((await cli(['nonsense'])).code).toBe(2);
    expect((await cli(['--help'])).code).toBe(0);

    const apps = await cli(['apps', '-o', 'json'], { env: { CUTOVER_SERVER: faces.api.url, CUTOVER_TOKEN: deployer, CUTOVER_CONFIG_DIR: path.join(dir, 'empty') } });
    expect(apps.code).toBe(0);
    expect((JSON.parse(apps.stdout) as Array<{ name: string }>).map((a) => a.name)).toContain('web');

    const none = await cli(['apps'], { env: { CUTOVER_CONFIG_DIR: path.join(dir, 'nothing-here') } });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('cutover login');
  }, 120_000);
});
