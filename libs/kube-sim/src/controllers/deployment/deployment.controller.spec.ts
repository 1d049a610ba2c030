// Deployment controller behaviours the golden traces do not cover, against the real store at a fast time scale.
import { afterEach, describe, expect, it } from 'vitest';
import { cond, deploymentManifest, startHarness, type Harness } from '../__tests__/sim-harness';
import { R } from '../runtime/resources';

let h: Harness | undefined;
afterEach(() => h?.stop());

const dep = (h: Harness): any => h.get(R.deployments, 'web');
const complete = (h: Harness): boolean => {
  const d = dep(h);
  return d?.status?.observedGeneration === d?.metadata.generation && cond(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' && (d.status.updatedReplicas ?? 0) === d.spec.replicas && (d.status.replicas ?? 0) === d.spec.replicas;
};
const setImage = (h: Harness, image: string): void => {
  h.store.mutate(R.deployments, h.ns, 'web', (d) => { d.spec.template.spec.containers[0].image = image; });
};

describe('deployment controller', () => {
  it('keeps revisionHistoryLimit old ReplicaSets and deletes older ones', async () => {
    h = startHarness({ timeScale: 100 });
    h.store.create(R.deployments, deploymentManifest('web', h.ns, { replicas: 1, revisionHistoryLimit: 1 }));
    for (const v of ['v2', 'v3', 'v4']) {
      await h.waitFor(() => complete(h!), `rollout before ${v}`);
      setImage(h, `registry.example/web:${v}`);
    }
    await h.waitFor(() => complete(h!) && h!.list(R.replicasets).length === 2, 'history trimmed');
    const revs = h.list(R.replicasets).map((r) => r.metadata.annotations!['deployment.kubernetes.io/revision']).sort();
    expect(revs).toEqual(['3', '4']);
    expect(dep(h).metadata.annotations['deployment.kubernetes.io/revision']).toBe('4');
  });

  it('counts a pod available only minReadySeconds after it is ready', async () => {
    h = startHarness({ timeScale: 20 });
    h.store.create(R.deployments, deploymentManifest('web', h.ns, { replicas: 1, minReadySeconds: 5 }));
    const ready = await h.waitFor(() => { const d = dep(h!); return d?.status?.readyReplicas === 1 && d; }, 'ready');
    expect(ready.status.availableReplicas).toBeUndefined();
    expect(cond(ready, 'Available').status).toBe('False');
    const rs = h.list(R.replicasets)[0]!;
    expect(rs.spec.minReadySeconds).toBe(5);
    const available = await h.waitFor(() => { const d = dep(h!); return d?.status?.availableReplicas === 1 && d; }, 'available');
    const pod = h.list(R.pods)[0]!;
    const readySince = Date.parse(cond(pod, 'Ready').lastTransitionTime);
    expect(Date.parse(cond(available, 'Available').lastTransitionTime) - readySince).toBeGreaterThanOrEqual(4_000);
  });

  it('scales proportionally during a rollout without exceeding replicas + maxSurge', async () => {
    h = startHarness({ timeScale: 100 });
    h.store.create(R.deployments, deploymentManifest('web', h.ns, { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } } }, { 'sim.cutover.dev/ready-after': '3s' }));
    await h.waitFor(() => complete(h!), 'initial rollout');
    setImage(h, 'registry.example/web:unpullable');
    await h.waitFor(() => h!.list(R.replicasets).length === 2 && dep(h!).status.updatedReplicas === 2, 'surge pods created');
    h.store.mutate(R.deployments, h.ns, 'web', (d) => { d.spec.replicas = 8; });
    const scaled = await h.waitFor(() => {
      const rss = h!.list(R.replicasets);
      const total = rss.reduce((n, r) => n + r.spec.replicas, 0);
      return total === 10 && dep(h!).status.observedGeneration === dep(h!).metadata.generation && rss;
    }, 'proportional scale-up');
    const sizes = scaled.map((r) => [r.metadata.annotations!['deployment.kubernetes.io/revision'], r.spec.replicas]).sort();
    // 4 old + 2 new of max 6, grown to max 10: old 4 * 10/6 ≈ 7, new 2 * 10/6 ≈ 3 (leftover to the largest).
    expect(sizes).toEqual([['1', 7], ['2', 3]]);
    expect(scaled.every((r) => r.metadata.annotations!['deployment.kubernetes.io/desired-replicas'] === '8' && r.metadata.annotations!['deployment.kubernetes.io/max-replicas'] === '10')).toBe(true);
  });

  it('scales to zero and back', async () => {
    h = startHarness({ timeScale: 100 });
    h.store.create(R.deployments, deploymentManifest('web', h.ns, { replicas: 2 }));
    await h.waitFor(() => complete(h!), 'rollout');
    h.store.mutate(R.deployments, h.ns, 'web', (d) => { d.spec.replicas = 0; });
    await h.waitFor(() => h!.list(R.pods).length === 0 && dep(h!).status.observedGeneration === dep(h!).metadata.generation, 'scaled to zero');
    expect(dep(h).status.replicas).toBeUndefined();
    expect(cond(dep(h), 'Available').status).toBe('True');
    h.store.mutate(R.deployments, h.ns, 'web', (d) => { d.spec.replicas = 3; });
    await h.waitFor(() => dep(h!).status.availableReplicas === 3, 'scaled back');
    expect(h.list(R.replicasets)).toHaveLength(1);
  });
});
