// deploy/kustomize renders (kubectl kustomize, the real binary) to what docs/operations.md promises, and the objects
// of kinds the simulator serves pass the API server's own validation (`kubectl apply --dry-run=server`; then for real).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_KEYS, startKubeSim, type KubeSim } from '@cutover/kube-sim';

const root = path.resolve(__dirname, '../..');
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any };

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('deploy/kustomize', () => {
  let objects: Obj[];
  let sim: KubeSim;
  let dir: string;

  beforeAll(async () => {
    const rendered = await run(['kustomize', path.join(root, 'deploy/kustomize/overlays/example')]);
    expect(rendered.code, rendered.stderr).toBe(0);
    objects = loadAll(rendered.stdout) as Obj[];
    dir = await mkdtemp(path.join(tmpdir(), 'cutover-kustomize-'));
    sim = await startKubeSim({ timeScale: 20, kubeconfigPath: path.join(dir, 'kubeconfig') });
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const one = (kind: string, name: string) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    expect(o, `${kind}/${name}`).toBeDefined();
    return o!;
  };

  it('renders the objects docs/operations.md lists, hardened', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      ['Deployment/cutover-api', 'Deployment/cutover-worker', 'Job/cutover-migrate', 'Namespace/cutover', 'PodDisruptionBudget/cutover-api', 'PodDisruptionBudget/cutover-worker', 'Secret/cutover', 'Service/cutover-api', 'Service/cutover-worker-metrics', 'ServiceAccount/cutover'].sort(),
    );
    expect(one('ServiceAccount', 'cutover')).toMatchObject({ automountServiceAccountToken: false });
    for (const name of ['cutover-api', 'cutover-worker']) {
      const pod = one('Deployment', name).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      const c = pod.containers[0];
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.image).toBe('registry.example.com/cutover:0.1.0');
      expect(c.envFrom).toEqual([{ secretRef: { name: 'cutover' } }]);
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    }
    expect(one('Deployment', 'cutover-api').spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    expect(one('Job', 'cutover-migrate').spec.template.spec.containers[0].command).toEqual(['node', 'scripts/db-migrate.mjs']);
    expect(Object.keys((one('Secret', 'cutover') as unknown as { data: Record<string, string> }).data).sort()).toEqual(['CUTOVER_BOOTSTRAP_TOKEN', 'CUTOVER_SECRET_KEY', 'DATABASE_URL', 'REDIS_URL']);
    expect(one('PodDisruptionBudget', 'cutover-worker').spec.minAvailable).toBe(1);
  });

  it('applies to the simulator (server-side dry run, then for real) for every kind it serves', async () => {
    // The simulator serves no ServiceAccounts or PodDisruptionBudgets (not needed to run rollouts): those are checked
    // by the render above only.
    const served = new Set<string>(Object.values(RESOURCE_KEYS).map((k) => k.resource));
    const plural = (kind: string) => `${kind.toLowerCase()}s`;
    const subset = objects.filter((o) => served.has(plural(o.kind)));
    expect(subset.map((o) => o.kind).sort()).toEqual(['Deployment', 'Deployment', 'Job', 'Namespace', 'Secret', 'Service', 'Service']);
    const file = path.join(dir, 'subset.yaml');
    await writeFile(file, subset.map((o) => dump(o)).join('---\n'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    const namespace = subset.filter((o) => o.kind === 'Namespace');
    await writeFile(path.join(dir, 'ns.yaml'), dump(namespace[0]));
    expect((await run(['--kubeconfig', kubeconfig, 'apply', '-f', path.join(dir, 'ns.yaml')])).code).toBe(0);
    const dry = await run(['--kubeconfig', kubeconfig, 'apply', '--dry-run=server', '-f', file]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('deployment.apps/cutover-api created (server dry run)');
    expect(sim.store.get(RESOURCE_KEYS.deployments, 'cutover', 'cutover-api')).toBeUndefined();
    const real = await run(['--kubeconfig', kubeconfig, 'apply', '-f', file]);
    expect(real.code, real.stderr).toBe(0);
    const api = sim.store.get(RESOURCE_KEYS.deployments, 'cutover', 'cutover-api') as unknown as Obj;
    expect(api.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });
});
