// kubectl against the simulator: the verdicts `kubectl rollout status` reaches depend on the controllers
// publishing exactly the fields a real cluster does.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../index';
import { R } from '../runtime/resources';

let sim: KubeSim;
let dir: string;
let kubeconfig: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=20s', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Resolves once pred() holds, re-checked on every store change (no polling). */
function until(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pred()) return resolve();
    const timer = setTimeout(() => { unsub(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    const unsub = sim.store.subscribe(() => {
      if (!pred()) return;
      clearTimeout(timer);
      unsub();
      resolve();
    });
  });
}

function manifest(ns: string, name: string, extra = ''): string {
  const file = path.join(dir, `${ns}-${name}.yaml`);
  writeFileSync(file, `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: 3
${extra}  selector: {matchLabels: {app: ${name}}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations: {sim.cutover.dev/ready-after: 1s}
    spec:
      terminationGracePeriodSeconds: 5
      containers: [{name: web, image: "registry.example/web:v1", ports: [{name: http, containerPort: 8080}]}]
`);
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kube-sim-kubectl-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  sim = await startKubeSim({ nodes: 3, timeScale: 20, kubeconfigPath: kubeconfig });
});

afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubectl against the simulator', () => {
  it('apply, rollout status to success, set image, history and undo', async () => {
    expect(await ok('apply', '-f', manifest('k1', 'web'))).toContain('deployment.apps/web created');
    expect(await ok('-n', 'k1', 'rollout', 'status', 'deploy/web', '--timeout=60s')).toContain('deployment "web" successfully rolled out');
    await ok('-n', 'k1', 'set', 'image', 'deploy/web', 'web=registry.example/web:v2');
    expect(await ok('-n', 'k1', 'rollout', 'status', 'deploy/web', '--timeout=60s')).toContain('successfully rolled out');
    const history = await ok('-n', 'k1', 'rollout', 'history', 'deploy/web');
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(await ok('-n', 'k1', 'rollout', 'undo', 'deploy/web')).toContain('rolled back');
    expect(await ok('-n', 'k1', 'rollout', 'status', 'deploy/web', '--timeout=60s')).toContain('successfully rolled out');
    // The undo reused revision 1's ReplicaSet as revision 3: still two ReplicaSets, the v1 one active.
    const rs = JSON.parse(await ok('-n', 'k1', 'get', 'rs', '-o', 'json')).items;
    expect(rs).toHaveLength(2);
    const active = rs.find((r: any) => r.spec.replicas === 3);
    expect(active.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(active.spec.template.spec.containers[0].image).toBe('registry.example/web:v1');
    expect(await ok('-n', 'k1', 'rollout', 'history', 'deploy/web')).toMatch(/\n2\s+<none>\n3\s+<none>/);
  });

  it('rollout status fails with exit 1 once the progress deadline is exceeded', async () => {
    await ok('apply', '-f', manifest('k2', 'web', '  progressDeadlineSeconds: 10\n'));
    await ok('-n', 'k2', 'rollout', 'status', 'deploy/web', '--timeout=60s');
    await ok('-n', 'k2', 'set', 'image', 'deploy/web', 'web=registry.example/web:unpullable');
    const r = await kubectl('-n', 'k2', 'rollout', 'status', 'deploy/web', '--timeout=60s');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('deployment "web" exceeded its progress deadline');
    // Nothing old was touched (maxUnavailable 0): 3 ready v1 pods serve on.
    const d = JSON.parse(await ok('-n', 'k2', 'get', 'deploy', 'web', '-o', 'json'));
    expect(d.status).toMatchObject({ availableReplicas: 3, updatedReplicas: 1, unavailableReplicas: 1 });
    expect(d.status.conditions.find((c: any) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('pause holds a template change back; resume rolls it out', async () => {
    await ok('apply', '-f', manifest('k3', 'web'));
    await ok('-n', 'k3', 'rollout', 'status', 'deploy/web', '--timeout=60s');
    await ok('-n', 'k3', 'rollout', 'pause', 'deploy/web');
    await ok('-n', 'k3', 'set', 'image', 'deploy/web', 'web=registry.example/web:v2');
    await until(() => {
      const d = sim.store.get(R.deployments, 'k3', 'web');
      return d?.status?.observedGeneration === d?.metadata.generation && d?.status?.conditions?.some((c: any) => c.reason === 'DeploymentPaused');
    }, 'paused generation observed');
    expect(sim.store.list(R.replicasets, { namespace: 'k3' })).toHaveLength(1);
    await ok('-n', 'k3', 'rollout', 'resume', 'deploy/web');
    expect(await ok('-n', 'k3', 'rollout', 'status', 'deploy/web', '--timeout=60s')).toContain('successfully rolled out');
    expect(sim.store.list(R.replicasets, { namespace: 'k3' })).toHaveLength(2);
  });

  it('scale changes the replica count; delete garbage-collects ReplicaSets and pods', async () => {
    await ok('apply', '-f', manifest('k4', 'web'));
    await ok('-n', 'k4', 'rollout', 'status', 'deploy/web', '--timeout=60s');
    expect(await ok('-n', 'k4', 'scale', 'deploy/web', '--replicas=5')).toContain('scaled');
    await ok('-n', 'k4', 'rollout', 'status', 'deploy/web', '--timeout=60s');
    const pods = JSON.parse(await ok('-n', 'k4', 'get', 'pods', '-o', 'json')).items;
    expect(pods.filter((p: any) => !p.metadata.deletionTimestamp)).toHaveLength(5);
    await ok('-n', 'k4', 'delete', 'deploy/web');
    await until(() => sim.store.list(R.replicasets, { namespace: 'k4' }).length === 0 && sim.store.list(R.pods, { namespace: 'k4' }).length === 0, 'garbage collection');
    expect(JSON.parse(await ok('-n', 'k4', 'get', 'rs,pods', '-o', 'json')).items).toEqual([]);
  });
});
