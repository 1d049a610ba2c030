// kubectl (the real binary) against the simulator through a kubeconfig: get, apply (create then patch), scale, delete.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '../kube-sim';
import { startKubeSim } from '../kube-sim';
import { RESOURCE_KEYS } from '../store/resources';

interface Run { code: number; stdout: string; stderr: string }

describe('kubectl against the simulator', () => {
  let sim: KubeSim;
  let dir: string;
  let kubeconfigPath: string;

  const kubectl = (...args: string[]): Promise<Run> => new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfigPath, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });

  const manifest = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations: {sim.cutover.dev/ready-after: 1s}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: prod}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-sim-kubectl-'));
    kubeconfigPath = join(dir, 'kubeconfig');
    sim = await startKubeSim({ timeScale: 20, kubeconfigPath });
    sim.store.create(RESOURCE_KEYS.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('authenticates with the kubeconfig token over TLS and lists nodes and namespaces as tables', async () => {
    const nodes = await kubectl('get', 'nodes');
    expect(nodes.code).toBe(0);
    expect(nodes.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    const ns = await kubectl('get', 'ns', '-o', 'name');
    expect(ns.stdout.split('\n')).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system', 'namespace/shop']));
  });

  it('creates namespaces, configmaps, secrets, deployments, services and jobs imperatively (protobuf bodies)', async () => {
    expect((await kubectl('create', 'namespace', 'imperative')).stdout).toContain('namespace/imperative created');
    expect((await kubectl('create', 'configmap', 'cfg', '-n', 'imperative', '--from-literal=a=b')).stdout).toContain('configmap/cfg created');
    expect((await kubectl('create', 'secret', 'generic', 'sec', '-n', 'imperative', '--from-literal=user=admin')).stdout).toContain('secret/sec created');
    expect(sim.store.get(RESOURCE_KEYS.configmaps, 'imperative', 'cfg')?.data).toEqual({ a: 'b' });
    const secret = sim.store.get(RESOURCE_KEYS.secrets, 'imperative', 'sec')!;
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ user: Buffer.from('admin').toString('base64') });
    expect((await kubectl('create', 'deployment', 'd', '-n', 'imperative', '--image=registry.example/d:v1', '--replicas=2', '--port=8080')).stdout)
      .toContain('deployment.apps/d created');
    const d = sim.store.get(RESOURCE_KEYS.deployments, 'imperative', 'd')!;
    expect(d.metadata.labels).toEqual({ app: 'd' });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'd' } });
    expect(d.spec.template.metadata).toEqual({ creationTimestamp: null, labels: { app: 'd' } });
    expect(d.spec.template.spec.containers).toEqual([{
      name: 'd', image: 'registry.example/d:v1', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: {},
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
    }]);
    expect((await kubectl('expose', 'deployment', 'd', '-n', 'imperative', '--port=80', '--target-port=8080')).stdout).toContain('service/d exposed');
    const svc = sim.store.get(RESOURCE_KEYS.services, 'imperative', 'd')!;
    expect(svc.spec).toMatchObject({ selector: { app: 'd' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], type: 'ClusterIP' });
    expect((await kubectl('create', 'job', 'j', '-n', 'imperative', '--image=registry.example/j:v1', '--', 'migrate', '--up')).stdout).toContain('job.batch/j created');
    const job = sim.store.get(RESOURCE_KEYS.jobs, 'imperative', 'j')!;
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.containers[0].command).toEqual(['migrate', '--up']);
  });

  it('applies a manifest (create), then re-applies a change (strategic merge patch)', async () => {
    const file = join(dir, 'web.yaml');
    await writeFile(file, manifest('registry.example/web:v1'));
    const first = await kubectl('apply', '-f', file);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('deployment.apps/web created');
    expect(first.stdout).toContain('service/web created');

    await writeFile(file, manifest('registry.example/web:v2'));
    const second = await kubectl('apply', '-f', file);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('deployment.apps/web configured');
    expect(second.stdout).toContain('service/web unchanged');
    const d = sim.store.get(RESOURCE_KEYS.deployments, 'shop', 'web')!;
    expect(d.spec.template.spec.containers[0].image).toBe('registry.example/web:v2');
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'MODE', value: 'prod' }]);
    expect(d.metadata.generation).toBe(2);
    expect(d.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('web:v2');

    const json = JSON.parse((await kubectl('get', 'deploy', 'web', '-n', 'shop', '-o', 'json')).stdout);
    expect(json.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '25%' });

    // Removing a field and adding a sidecar; then removing the sidecar (kubectl's 3-way patches: null, $patch: delete).
    const withSidecar = manifest('registry.example/web:v2').replace('        env: [{name: MODE, value: prod}]\n',
      '      - name: side\n        image: registry.example/side:v1\n');
    await writeFile(file, withSidecar);
    expect((await kubectl('apply', '-f', file)).code).toBe(0);
    let containers = sim.store.get(RESOURCE_KEYS.deployments, 'shop', 'web')!.spec.template.spec.containers;
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['web', 'side']);
    expect(containers[0].env).toBeUndefined();
    await writeFile(file, manifest('registry.example/web:v2').replace('        env: [{name: MODE, value: prod}]\n', ''));
    expect((await kubectl('apply', '-f', file)).code).toBe(0);
    containers = sim.store.get(RESOURCE_KEYS.deployments, 'shop', 'web')!.spec.template.spec.containers;
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['web']);
  });

  it('rejects an invalid manifest with the apiserver message', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, manifest('registry.example/web:v1').replace('name: web\n  namespace', 'name: Bad_Name\n  namespace'));
    const res = await kubectl('apply', '-f', file);
    expect(res.code).not.toBe(0);
    // kubectl renders Invalid errors from details (kind + causes).
    expect(res.stderr).toContain('The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain');
  });

  it('scales through the scale subresource', async () => {
    const res = await kubectl('scale', 'deployment/web', '-n', 'shop', '--replicas=4');
    expect(res.stdout).toContain('deployment.apps/web scaled');
    expect(sim.store.get(RESOURCE_KEYS.deployments, 'shop', 'web')!.spec.replicas).toBe(4);
    const get = await kubectl('get', 'deploy', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}');
    expect(get.stdout).toBe('4');
  });

  it('deletes with cascading garbage collection', async () => {
    const res = await kubectl('delete', 'deployment', 'web', '-n', 'shop', '--wait=true', '--timeout=20s');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('deployment.apps "web" deleted');
    const gone = await kubectl('get', 'deploy', 'web', '-n', 'shop');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('Error from server (NotFound): deployments.apps "web" not found');
    // The garbage collector removes the ReplicaSets and their pods.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const left = sim.store.list(RESOURCE_KEYS.replicasets, { namespace: 'shop' }).length + sim.store.list(RESOURCE_KEYS.pods, { namespace: 'shop' }).length;
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sim.store.list(RESOURCE_KEYS.replicasets, { namespace: 'shop' })).toEqual([]);
    expect(sim.store.list(RESOURCE_KEYS.pods, { namespace: 'shop' })).toEqual([]);
  });
});
