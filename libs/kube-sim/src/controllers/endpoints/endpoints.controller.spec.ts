import { afterEach, describe, expect, it } from 'vitest';
import { cond, deploymentManifest, startHarness, type Harness } from '../__tests__/sim-harness';
import { R } from '../runtime/resources';

let h: Harness | undefined;
afterEach(() => h?.stop());

describe('endpoints and endpointslices', () => {
  it('leaves a pod without the named targetPort out of Endpoints but lists it in a port-less slice', async () => {
    h = startHarness({ timeScale: 100 });
    h.store.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: h.ns }, spec: { selector: { tier: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    const named = deploymentManifest('named', h.ns, { replicas: 1 });
    named.spec.template.metadata.labels.tier = 'web';
    named.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
    const bare = deploymentManifest('bare', h.ns, { replicas: 1 });
    bare.spec.template.metadata.labels.tier = 'web';
    h.store.create(R.deployments, named);
    h.store.create(R.deployments, bare);
    await h.waitFor(() => h!.list(R.pods).length === 2 && h!.list(R.pods).every((p) => cond(p, 'Ready')?.status === 'True'), 'pods ready');
    const ep = await h.waitFor(() => { const e = h!.get(R.endpoints, 'web') as any; return e?.subsets?.[0]?.addresses?.length === 1 && e; }, 'endpoints');
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ep.subsets[0].addresses[0].targetRef.name).toMatch(/^named-/);
    const slices = await h.waitFor(() => { const s = h!.list(R.endpointslices); return s.length === 2 && s.every((x: any) => x.endpoints?.length === 1) && s; }, 'two slices');
    const withPorts = slices.find((s: any) => s.ports);
    const portless = slices.find((s: any) => s.ports === null);
    expect(withPorts!.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
    expect((portless as any).endpoints[0].targetRef.name).toMatch(/^bare-/);
    for (const s of slices) expect(s.metadata.labels).toMatchObject({ 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  });

  it('removes the Endpoints and slices with the Service', async () => {
    h = startHarness({ timeScale: 100 });
    h.store.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: h.ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    await h.waitFor(() => h!.get(R.endpoints, 'web') && h!.list(R.endpointslices).length === 1, 'created');
    h.store.delete(R.services, h.ns, 'web');
    await h.waitFor(() => !h!.get(R.endpoints, 'web') && h!.list(R.endpointslices).length === 0, 'removed');
  });

  it('follows a selector switch (blue/green): Endpoints and the slice list only the newly selected pods', async () => {
    h = startHarness({ timeScale: 100 });
    for (const color of ['blue', 'green']) {
      const d = deploymentManifest(`web-${color}`, h.ns, { replicas: 2 });
      d.spec.template.metadata.labels.role = color;
      h.store.create(R.deployments, d);
    }
    h.store.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: h.ns }, spec: { selector: { role: 'blue' }, ports: [{ port: 80, targetPort: 8080 }] } });
    const names = (): string[] => ((h!.get(R.endpoints, 'web') as any)?.subsets ?? []).flatMap((s: any) => (s.addresses ?? []).map((a: any) => a.targetRef.name)).sort();
    await h.waitFor(() => names().length === 2 && names().every((n) => n.startsWith('web-blue-')), 'blue endpoints');
    h.store.mutate(R.services, h.ns, 'web', (svc) => { svc.spec.selector = { role: 'green' }; });
    await h.waitFor(() => names().length === 2 && names().every((n) => n.startsWith('web-green-')), 'green endpoints');
    // The slice controller syncs on its own queue: wait until it has caught up with the Endpoints controller (both
    // green pods listed and ready), then check it lists nothing else.
    const slice = await h.waitFor(() => {
      const s = h!.list(R.endpointslices)[0] as any;
      return s?.endpoints?.length === 2 && s.endpoints.every((e: any) => e.targetRef.name.startsWith('web-green-') && e.conditions.ready) && s;
    }, 'green slice with both green pods ready');
    expect(h.list(R.endpointslices)).toHaveLength(1);
    expect(slice.endpoints.map((e: any) => e.targetRef.name).sort()).toEqual(names());
  });
});
