// Property: whatever the readiness delays and however many new pods fail, a rolling update never runs more than
// replicas + maxSurge pods and never has fewer than replicas − maxUnavailable available.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveFenceposts } from '../deployment/deployment.rules';
import { R } from '../runtime/resources';
import { cond, deploymentManifest, startHarness } from './sim-harness';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const intOrPercent = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0%', '25%', '50%'));

describe('rolling update invariants (fast-check)', () => {
  it('stays within maxSurge and maxUnavailable under random readiness delays and failing new pods', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          replicas: fc.integer({ min: 1, max: 6 }),
          maxSurge: intOrPercent,
          maxUnavailable: intOrPercent,
          failureRate: fc.constantFrom(0, 0.2, 0.5),
          seed: fc.integer(),
        }).filter(({ replicas, maxSurge, maxUnavailable }) => {
          const [s, u] = resolveFenceposts(maxSurge, maxUnavailable, replicas);
          // The apiserver rejects maxSurge = maxUnavailable = 0 (as given, before rounding).
          return !(String(maxSurge).replace('%', '') === '0' && String(maxUnavailable).replace('%', '') === '0') && s + u > 0;
        }),
        async ({ replicas, maxSurge, maxUnavailable, failureRate, seed }) => {
          const [surge, unavailable] = resolveFenceposts(maxSurge, maxUnavailable, replicas);
          const maxPods = replicas + surge;
          const minAvailable = replicas - Math.min(unavailable, replicas);
          const rand = prng(seed);
          const h = startHarness({ timeScale: 100 });
          const violations: string[] = [];
          let updating = false;
          try {
            // Each pod gets its own readiness delay; some v2 pods crash before they would be ready.
            const unsub = h.store.subscribe((e) => {
              if (e.resource.resource === 'pods' && e.type === 'ADDED') {
                const v2 = e.object.spec?.containers?.[0]?.image?.endsWith(':v2');
                const fail = v2 && rand() < failureRate;
                h.store.mutate(R.pods, h.ns, e.object.metadata.name, (p) => {
                  p.metadata.annotations = {
                    ...(p.metadata.annotations ?? {}),
                    'sim.cutover.dev/ready-after': `${Math.round(300 + rand() * 2700)}ms`,
                    ...(fail ? { 'sim.cutover.dev/exit-after': '200ms' } : {}),
                  };
                });
                return;
              }
              if (!updating || e.resource.resource !== 'pods') return;
              const pods = h.store.list(R.pods, { namespace: h.ns }).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
              const available = pods.filter((p) => cond(p, 'Ready')?.status === 'True').length;
              if (pods.length > maxPods) violations.push(`${pods.length} pods > ${maxPods}`);
              if (available < minAvailable) violations.push(`${available} available < ${minAvailable}`);
            });
            h.store.create(R.deployments, deploymentManifest('web', h.ns, { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } }));
            await h.waitFor(() => cond(h.get(R.deployments, 'web'), 'Progressing')?.reason === 'NewReplicaSetAvailable' && h.get(R.deployments, 'web')!.status.availableReplicas === replicas, 'initial rollout');
            updating = true;
            h.store.mutate(R.deployments, h.ns, 'web', (d) => { d.spec.template.spec.containers[0].image = 'registry.example/web:v2'; });
            const done = (): boolean => {
              const d = h.get(R.deployments, 'web')!;
              return d.status?.observedGeneration === d.metadata.generation && cond(d, 'Progressing')?.reason === 'NewReplicaSetAvailable';
            };
            // With failing pods the rollout stalls (as on a real cluster); the invariants must hold meanwhile.
            await h.waitFor(done, 'rollout', failureRate > 0 ? 1_500 : 10_000).catch((err) => {
              if (failureRate === 0) throw err;
            });
            unsub();
          } finally {
            h.stop();
          }
          expect(violations).toEqual([]);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
