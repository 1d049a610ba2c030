// The real stack for the faces' end-to-end tests (dashboard in a browser, CLI as a process): the simulator, the
// worker and the api in this process on free ports, the dashboard built into a temporary directory, and a
// seeded app whose prod environment runs a canary with one pause.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { type Stack, startStack, startWorker } from '../../worker/test/worker-harness';
import { type TestApi, startTestApi } from '../../api/test/test-api';

const root = path.resolve(__dirname, '../../..');

export const CANARY = { type: 'Canary', trafficRouting: { type: 'replicas' }, steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 100 }], progressDeadlineSeconds: 60 };

export interface FacesStack {
  stack: Stack;
  api: TestApi;
  worker: INestApplicationContext;
  admin: string;
  clusterName: string;
  close(): Promise<void>;
}

/** Builds the dashboard (quietly) into a fresh directory; returns it. */
export async function buildDashboard(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-dashboard-'));
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build-dashboard.mjs'), '--out', dir, '--quiet'], { cwd: root, timeout: 120_000 });
  return dir;
}

export async function startFacesStack(name: string, options: { dashboardDir?: string } = {}): Promise<FacesStack> {
  const stack = await startStack(name);
  const worker = await startWorker(stack);
  const api = await startTestApi({
    env: { CUTOVER_QUEUE_PREFIX: stack.prefix, LOG_LEVEL: 'warn', ...(options.dashboardDir ? { CUTOVER_DASHBOARD_DIR: options.dashboardDir } : {}) },
  });
  const admin = await api.token('admin');
  const cluster = await stack.prisma.cluster.findUniqueOrThrow({ where: { id: stack.clusterId } });
  return {
    stack,
    api,
    worker,
    admin,
    clusterName: cluster.name,
    async close() {
      await api.close();
      await worker.close();
      await stack.stop();
      if (options.dashboardDir) rmSync(options.dashboardDir, { recursive: true, force: true });
    },
  };
}

/** A REST call as `token`; throws with the problem when the status is not `expect`. */
export async function call<T = Record<string, unknown>>(faces: FacesStack, token: string, method: string, route: string, body?: unknown, expect = [200, 201, 202]): Promise<T> {
  const res = await fetch(`${faces.api.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Polls `check` until it answers something (bounded, generous: the machine is shared). */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** App `app` with environment `prod` (4 replicas, the canary above) and releases 1.0.0 and 1.1.0; 1.0.0 deployed. */
export async function seedCanaryApp(faces: FacesStack, app: string, options: { deployFirst?: boolean } = {}): Promise<void> {
  const { admin } = faces;
  await call(faces, admin, 'POST', '/v1/apps', { name: app });
  await call(faces, admin, 'POST', `/v1/apps/${app}/environments`, {
    name: 'prod',
    cluster: faces.clusterName,
    namespace: `ns-${app}`,
    replicas: 4,
    strategy: CANARY,
    service: { port: 80, targetPort: 8080 },
  });
  for (const v of ['1.0.0', '1.1.0']) await call(faces, admin, 'POST', `/v1/apps/${app}/releases`, { version: v, image: `example/${app}:${v}` });
  if (options.deployFirst !== false) {
    const first = await call<{ id: string }>(faces, admin, 'POST', '/v1/deployments', { app, environment: 'prod', release: '1.0.0' });
    await until('the first deployment to succeed', async () => {
      const d = await call<{ phase: string }>(faces, admin, 'GET', `/v1/deployments/${first.id}`);
      return d.phase === 'Succeeded' ? d : undefined;
    });
  }
}

/**
 * Many environments at once, straight into the tables (the overview's scale tests, the benchmark and the
 * screenshots): `apps` apps × `envsPerApp` environments on the stack's cluster, each with a succeeded deployment of
 * 1.0.0 and, for some, a later one in another phase (paused at a step, failed, progressing).
 */
export async function seedEnvironments(faces: FacesStack, apps: number, envsPerApp: number, prefix = 'svc'): Promise<void> {
  const db = faces.stack.prisma;
  const envNames = ['prod', 'staging', 'canary', 'qa', 'dev', 'eu-prod', 'us-prod', 'ap-prod', 'perf', 'demo'];
  const phases: Array<[string, string | null]> = [
    ['Succeeded', null],
    ['Succeeded', null],
    ['Paused', 'PauseStep'],
    ['Progressing', null],
    ['Failed', null],
    ['Succeeded', null],
    ['Paused', 'Inconclusive'],
  ];
  for (let a = 0; a < apps; a += 1) {
    const app = await db.application.create({ data: { name: `${prefix}-${String(a).padStart(3, '0')}` } });
    const v1 = await db.release.create({ data: { applicationId: app.id, version: '1.0.0', seq: 1, spec: {}, digest: 'd', createdBy: 'seed' } });
    const v2 = await db.release.create({ data: { applicationId: app.id, version: '1.1.0', seq: 2, spec: {}, digest: 'd', createdBy: 'seed' } });
    for (let e = 0; e < envsPerApp; e += 1) {
      const name = envsPerApp <= envNames.length ? envNames[e]! : `env-${e}`;
      const env = await db.environment.create({
        data: { applicationId: app.id, clusterId: faces.stack.clusterId, name, namespace: `${app.name}-${name}`, replicas: 3, strategy: { type: e % 2 ? 'RollingUpdate' : 'Canary' } },
      });
      const [phase, pauseReason] = phases[(a * envsPerApp + e) % phases.length]!;
      const t = Date.now() - 3_600_000;
      await db.deployment.createMany({
        data: [
          { environmentId: env.id, releaseId: v1.id, strategy: {}, phase: 'Succeeded', createdBy: 'seed', createdAt: new Date(t), finishedAt: new Date(t + 60_000) },
          ...(phase === 'Succeeded' && e % 3 !== 0
            ? []
            : [{ environmentId: env.id, releaseId: v2.id, previousReleaseId: v1.id, strategy: {}, phase, pauseReason, createdBy: 'seed', createdAt: new Date(t + 120_000) }]),
        ],
      });
    }
  }
}
