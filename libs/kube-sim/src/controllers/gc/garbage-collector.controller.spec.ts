import { afterEach, describe, expect, it } from 'vitest';
import { cond, deploymentManifest, startHarness, type Harness } from '../__tests__/sim-harness';
import { R } from '../runtime/resources';

let h: Harness | undefined;
afterEach(() => h?.stop());

async function readyDeployment(h: Harness): Promise<void> {
  h.store.create(R.deployments, deploymentManifest('web', h.ns, { replicas: 2 }));
  await h.waitFor(() => cond(h.get(R.deployments, 'web'), 'Progressing')?.reason === 'NewReplicaSetAvailable', 'rollout');
}

describe('garbage collector', () => {
  it('deletes the ReplicaSet and then its pods when a Deployment is deleted (Background)', async () => {
    h = startHarness({ timeScale: 50 });
    await readyDeployment(h);
    expect(h.list(R.replicasets)).toHaveLength(1);
    h.store.delete(R.deployments, h.ns, 'web', { propagationPolicy: 'Background' });
    await h.waitFor(() => h!.list(R.replicasets).length === 0 && h!.list(R.pods).length === 0, 'dependents gone');
  });

  it('keeps a Foreground-deleted owner until its blocking dependents are gone', async () => {
    h = startHarness({ timeScale: 50 });
    await readyDeployment(h);
    h.store.delete(R.deployments, h.ns, 'web', { propagationPolicy: 'Foreground' });
    const d = h.get(R.deployments, 'web')!;
    expect(d.metadata.finalizers).toContain('foregroundDeletion');
    // The ReplicaSet is itself deleted in the foreground: it waits for its pods, and the Deployment for it.
    await h.waitFor(() => h!.get(R.replicasets, h!.list(R.replicasets)[0]?.metadata.name ?? '')?.metadata.deletionTimestamp, 'RS deleting');
    expect(h.get(R.deployments, 'web')).toBeDefined();
    await h.waitFor(() => !h!.get(R.deployments, 'web'), 'owner released');
    expect(h.list(R.replicasets)).toHaveLength(0);
    expect(h.list(R.pods)).toHaveLength(0);
  });

  it('leaves dependents alone on Orphan', async () => {
    h = startHarness({ timeScale: 50 });
    await readyDeployment(h);
    h.store.delete(R.deployments, h.ns, 'web', { propagationPolicy: 'Orphan' });
    await h.waitFor(() => !h!.get(R.deployments, 'web'), 'deployment gone');
    const rs = h.list(R.replicasets);
    expect(rs).toHaveLength(1);
    expect(rs[0]!.metadata.ownerReferences).toBeUndefined();
    expect(h.list(R.pods)).toHaveLength(2);
  });

  it('empties a deleted namespace: pods stop gracefully, then the namespace goes', async () => {
    h = startHarness({ timeScale: 50 });
    await readyDeployment(h);
    h.store.delete(R.namespaces, undefined, h.ns);
    expect(h.store.get(R.namespaces, undefined, h.ns)?.status.phase).toBe('Terminating');
    await h.waitFor(() => !h!.store.get(R.namespaces, undefined, h!.ns), 'namespace removed');
    expect(h.list(R.pods)).toHaveLength(0);
  });
});
