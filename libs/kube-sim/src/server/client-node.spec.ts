// The simulator through @kubernetes/client-node, exactly as product code reaches a cluster: CRUD of every resource,
// subresources, patches of every kind, lists with selectors and paging, watch, and faults.
import {
  AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig, KubernetesObjectApi, makeInformer, NetworkingV1Api, PatchStrategy,
  setHeaderOptions, Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '../kube-sim';
import { startKubeSim } from '../kube-sim';
import { renderKubeconfig } from '../kubeconfig';
import { RESOURCE_KEYS } from '../store/resources';
import { raw } from '../../test/sim-http.testing';

const ns = 'client-node';

const deployment = (name: string, replicas = 2): any => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name } },
  spec: {
    replicas, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'registry.example/web:v1', ports: [{ containerPort: 8080 }] }] } },
  },
});

/** The HTTP status of a failed client-node call (ApiException.code). */
async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    return (e as { code: number }).code;
  }
  return 200;
}

describe('@kubernetes/client-node against the simulator', () => {
  let sim: KubeSim;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    // No controllers: these tests are about the API; the controllers have their own.
    sim = await startKubeSim({ controllers: false });
    kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(async () => { await sim?.stop(); });

  it('also answers plain HTTP on the same port', async () => {
    const httpUrl = sim.url.replace('https://', 'http://');
    const health = await fetch(`${httpUrl}/_sim/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${httpUrl}/api/v1/namespaces`)).status).toBe(403);
    // client-node refuses http:// servers unless insecure-skip-tls-verify is set; then it sends the token.
    const plain = new KubeConfig();
    plain.loadFromString(renderKubeconfig({ url: httpUrl, token: sim.token }).replace(`server: ${httpUrl}`, `server: ${httpUrl}\n      insecure-skip-tls-verify: true`));
    const list = await plain.makeApiClient(CoreV1Api).listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toContain('default');
  });

  it('reads version and discovery', async () => {
    const res = await raw(sim, 'GET', '/apis/apps/v1');
    const names = res.json.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/scale']));
    const deploy = res.json.resources.find((r: { name: string }) => r.name === 'deployments');
    expect(deploy).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'], singularName: 'deployment' });
    const core1 = (await raw(sim, 'GET', '/api/v1')).json.resources.map((r: { name: string }) => r.name);
    expect(core1).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/status', 'services', 'endpoints', 'configmaps', 'secrets', 'events', 'nodes', 'namespaces']));
    const groups = (await raw(sim, 'GET', '/apis')).json.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'batch', 'networking.k8s.io', 'gateway.networking.k8s.io', 'discovery.k8s.io']));
  });

  it('creates, reads, updates, patches and deletes Deployments, with defaults and generation', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web') });
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(created.spec?.revisionHistoryLimit).toBe(10);
    expect(created.spec?.progressDeadlineSeconds).toBe(600);
    expect(created.spec?.template.spec?.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(created.spec?.template.spec?.restartPolicy).toBe('Always');

    const got = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    got.spec!.replicas = 3;
    const updated = await apps.replaceNamespacedDeployment({ name: 'web', namespace: ns, body: got });
    expect(updated.metadata?.generation).toBe(2);
    // A stale PUT conflicts.
    expect(await codeOf(apps.replaceNamespacedDeployment({ name: 'web', namespace: ns, body: got }))).toBe(409);

    const merge = await apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { metadata: { labels: { tier: 'front' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(merge.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    expect(merge.metadata?.generation).toBe(2);

    const smp = await apps.patchNamespacedDeployment({
      name: 'web', namespace: ns,
      body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example/web:v2', env: [{ name: 'A', value: '1' }] }] } } } },
    }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    const c = smp.spec!.template.spec!.containers[0];
    expect(c.image).toBe('registry.example/web:v2');
    expect(c.env).toEqual([{ name: 'A', value: '1' }]);
    expect(c.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(smp.metadata?.generation).toBe(3);

    const jp = await apps.patchNamespacedDeployment({
      name: 'web', namespace: ns, body: [{ op: 'test', path: '/spec/replicas', value: 3 }, { op: 'add', path: '/spec/paused', value: true }],
    }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
    expect(jp.spec?.paused).toBe(true);
    expect(await codeOf(apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: [{ op: 'test', path: '/spec/replicas', value: 42 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)))).toBe(422);

    const list = await apps.listNamespacedDeployment({ namespace: ns, labelSelector: 'tier=front' });
    expect(list.items.map((d) => d.metadata?.name)).toEqual(['web']);
    expect(list.metadata?.resourceVersion).toBe(sim.store.currentResourceVersion());

    await apps.deleteNamespacedDeployment({ name: 'web', namespace: ns });
    expect(await codeOf(apps.readNamespacedDeployment({ name: 'web', namespace: ns }))).toBe(404);
  });

  it('serves /status and /scale subresources', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('scaled') });
    const status = await apps.patchNamespacedDeploymentStatus({ name: 'scaled', namespace: ns, body: { status: { replicas: 2, readyReplicas: 1 }, spec: { replicas: 9 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(status.status).toEqual({ replicas: 2, readyReplicas: 1 });
    expect(status.spec?.replicas).toBe(2);
    expect(status.metadata?.generation).toBe(1);

    const scale = await apps.readNamespacedDeploymentScale({ name: 'scaled', namespace: ns });
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=scaled' } });
    const scaled = await apps.replaceNamespacedDeploymentScale({ name: 'scaled', namespace: ns, body: { ...scale, spec: { replicas: 5 } } });
    expect(scaled.spec?.replicas).toBe(5);
    const patched = await apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: ns, body: { spec: { replicas: 0 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(patched.spec?.replicas).toBe(0);
    expect((await apps.readNamespacedDeployment({ name: 'scaled', namespace: ns })).metadata?.generation).toBe(3);
  });

  it('creates Pods with Kubernetes defaults, reads their status and logs, and deletes them gracefully', async () => {
    const pod = await core.createNamespacedPod({ namespace: ns, body: {
      metadata: { name: 'p1' }, spec: { nodeName: 'sim-node-1', containers: [{ name: 'c', image: 'busybox' }] },
    } });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(pod.spec?.containers[0].imagePullPolicy).toBe('Always');
    expect(pod.spec?.terminationGracePeriodSeconds).toBe(30);
    expect(pod.spec?.serviceAccountName).toBe('default');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await core.replaceNamespacedPodStatus({ name: 'p1', namespace: ns, body: { ...pod, status: {
      phase: 'Running',
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now as unknown as Date } } }],
    } } });
    const log = await core.readNamespacedPodLog({ name: 'p1', namespace: ns });
    expect(log).toContain('container c started');
    const deleted = await core.deleteNamespacedPod({ name: 'p1', namespace: ns });
    expect(deleted.metadata?.deletionTimestamp).toBeDefined();
    expect((await core.readNamespacedPod({ name: 'p1', namespace: ns })).metadata?.deletionGracePeriodSeconds).toBe(30);
    await core.deleteNamespacedPod({ name: 'p1', namespace: ns, gracePeriodSeconds: 0 });
    expect(await codeOf(core.readNamespacedPod({ name: 'p1', namespace: ns }))).toBe(404);
  });

  it('allocates Service cluster IPs in 10.96.0.0/12 and defaults ports', async () => {
    const svc = await core.createNamespacedService({ namespace: ns, body: {
      metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    } });
    expect(svc.spec?.type).toBe('ClusterIP');
    expect(svc.spec?.sessionAffinity).toBe('None');
    expect(svc.spec?.ports?.[0]).toEqual({ port: 80, protocol: 'TCP', targetPort: 80 });
    expect(svc.spec?.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(svc.spec?.clusterIPs).toEqual([svc.spec?.clusterIP]);
    const updated = await core.patchNamespacedService({ name: 'web', namespace: ns, body: { spec: { selector: { app: 'web', track: 'stable' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    expect(updated.spec?.clusterIP).toBe(svc.spec?.clusterIP);
  });

  it('handles ConfigMaps, Secrets, Endpoints, Events, Nodes, Namespaces', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    expect((await core.readNamespacedConfigMap({ name: 'cfg', namespace: ns })).data).toEqual({ a: '1' });
    const secret = await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' }, stringData: { k: 'v' } } });
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ k: Buffer.from('v').toString('base64') });
    await core.createNamespacedEndpoints({ namespace: ns, body: { metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 8080 }] }] } });
    expect((await core.listNamespacedEndpoints({ namespace: ns })).items).toHaveLength(1);
    await core.createNamespacedEvent({ namespace: ns, body: {
      metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'p', namespace: ns }, reason: 'Test', message: 'hello', type: 'Normal',
    } });
    const events = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.kind=Pod,reason=Test' });
    expect(events.items.map((e) => e.message)).toEqual(['hello']);
    await core.createNode({ body: { metadata: { name: 'extra-node' }, status: { allocatable: { cpu: '4' } } } });
    expect((await core.readNode({ name: 'extra-node' })).status?.allocatable).toEqual({ cpu: '4' });
    const nsList = await core.listNamespace();
    expect(nsList.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system', ns]));
    expect((await core.readNamespace({ name: ns })).metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': ns });
  });

  it('handles ReplicaSets, Jobs, Ingresses, EndpointSlices and HTTPRoutes', async () => {
    const rs = await apps.createNamespacedReplicaSet({ namespace: ns, body: { ...deployment('rs'), kind: 'ReplicaSet' } });
    expect(rs.status).toEqual({ replicas: 0 });
    const rsScale = await apps.patchNamespacedReplicaSetScale({ name: 'rs', namespace: ns, body: { spec: { replicas: 4 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(rsScale.spec?.replicas).toBe(4);

    const batch = kc.makeApiClient(BatchV1Api);
    const job = await batch.createNamespacedJob({ namespace: ns, body: {
      metadata: { name: 'migrate' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm:v1' }] } } },
    } });
    expect(job.spec).toMatchObject({ backoffLimit: 6, completions: 1, parallelism: 1, completionMode: 'NonIndexed' });
    const uid = job.metadata!.uid!;
    expect(job.spec?.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(job.spec?.template.metadata?.labels).toMatchObject({ 'controller-uid': uid, 'job-name': 'migrate', 'batch.kubernetes.io/job-name': 'migrate' });
    // A Job template needs restartPolicy OnFailure or Never.
    expect(await codeOf(batch.createNamespacedJob({ namespace: ns, body: {
      metadata: { name: 'bad' }, spec: { template: { spec: { containers: [{ name: 'm', image: 'm:v1' }] } } },
    } }))).toBe(422);

    const net = kc.makeApiClient(NetworkingV1Api);
    const ing = await net.createNamespacedIngress({ namespace: ns, body: { metadata: { name: 'web' }, spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } } as never] } }] } } });
    expect(ing.metadata?.generation).toBe(1);
    expect(ing.spec?.rules?.[0].http?.paths[0].pathType).toBe('ImplementationSpecific');

    const disc = kc.makeApiClient(DiscoveryV1Api);
    await disc.createNamespacedEndpointSlice({ namespace: ns, body: { metadata: { name: 'web-abcde', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [] } });
    expect((await disc.listNamespacedEndpointSlice({ namespace: ns, labelSelector: 'kubernetes.io/service-name=web' })).items).toHaveLength(1);

    const custom = kc.makeApiClient(CustomObjectsApi);
    const route: any = await custom.createNamespacedCustomObject({
      group: 'gateway.networking.k8s.io', version: 'v1', namespace: ns, plural: 'httproutes',
      body: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web' },
        spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web-stable', port: 80, weight: 90 }, { name: 'web-canary', port: 80, weight: 10 }] }] } },
    });
    expect(route.metadata.generation).toBe(1);
    expect(route.spec.rules[0].backendRefs[0]).toMatchObject({ kind: 'Service', group: '', weight: 90 });
    const moved: any = await custom.patchNamespacedCustomObject({
      group: 'gateway.networking.k8s.io', version: 'v1', namespace: ns, plural: 'httproutes', name: 'web',
      body: [{ op: 'replace', path: '/spec/rules/0/backendRefs/1/weight', value: 50 }],
    }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
    expect(moved.spec.rules[0].backendRefs[1].weight).toBe(50);
    expect(moved.metadata.generation).toBe(2);
  });

  it('works with the generic KubernetesObjectApi (discovery-driven paths) for built-in and Gateway API kinds', async () => {
    const api = KubernetesObjectApi.makeApiClient(kc);
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'generic', namespace: ns },
      spec: { rules: [{ backendRefs: [{ name: 'a', port: 80 }] }] } };
    const created: any = await api.create(route);
    expect(created.metadata.uid).toBeDefined();
    const patched: any = await api.patch({ ...route, spec: { rules: [{ backendRefs: [{ name: 'a', port: 80, weight: 5 }] }] } },
      undefined, undefined, 'cutover', undefined, PatchStrategy.MergePatch);
    expect(patched.spec.rules[0].backendRefs[0].weight).toBe(5);
    const listed = await api.list('gateway.networking.k8s.io/v1', 'HTTPRoute', ns);
    expect(listed.items.map((i) => i.metadata?.name)).toContain('generic');
    await api.create({ ...deployment('generic-web'), metadata: { name: 'generic-web', namespace: ns } });
    const read: any = await api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'generic-web', namespace: ns } });
    expect(read.spec.replicas).toBe(2);
    await api.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'generic-web', namespace: ns } }, undefined, undefined, 0, undefined, 'Background');
    expect(await codeOf(api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'generic-web', namespace: ns } }))).toBe(404);
  });

  it('streams large lists (chunked) intact', async () => {
    await core.createNamespace({ body: { metadata: { name: 'big' } } });
    for (let i = 0; i < 1200; i++) {
      sim.store.create(RESOURCE_KEYS.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(4, '0')}`, namespace: 'big' }, data: { i: String(i) } });
    }
    const list = await core.listNamespacedConfigMap({ namespace: 'big' });
    expect(list.items).toHaveLength(1200);
    expect(list.items[1199].data).toEqual({ i: '1199' });
    expect(list.metadata?.resourceVersion).toBe(sim.store.currentResourceVersion());
  });

  it('pages lists with limit and continue', async () => {
    for (let i = 0; i < 5; i++) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `page-${i}`, labels: { paged: 'yes' } } } });
    const first = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'paged', limit: 2 });
    expect(first.items.map((c) => c.metadata?.name)).toEqual(['page-0', 'page-1']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    const second = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'paged', limit: 2, _continue: first.metadata?._continue });
    expect(second.items.map((c) => c.metadata?.name)).toEqual(['page-2', 'page-3']);
  });

  it('applies propagation policies on delete', async () => {
    const owner = await apps.createNamespacedReplicaSet({ namespace: ns, body: { ...deployment('owner'), kind: 'ReplicaSet' } });
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'owner', uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dependent', ownerReferences: [ref] } } });
    await apps.deleteNamespacedReplicaSet({ name: 'owner', namespace: ns, propagationPolicy: 'Orphan' });
    expect((await core.readNamespacedConfigMap({ name: 'dependent', namespace: ns })).metadata?.ownerReferences).toBeUndefined();

    await apps.createNamespacedReplicaSet({ namespace: ns, body: { ...deployment('fg'), kind: 'ReplicaSet' } });
    await apps.deleteNamespacedReplicaSet({ name: 'fg', namespace: ns, propagationPolicy: 'Foreground' });
    const held = await apps.readNamespacedReplicaSet({ name: 'fg', namespace: ns });
    expect(held.metadata?.finalizers).toEqual(['foregroundDeletion']);
    expect(held.metadata?.deletionTimestamp).toBeDefined();

    // Preconditions.
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'pre' } } });
    expect(await codeOf(core.deleteNamespacedConfigMap({ name: 'pre', namespace: ns, body: { preconditions: { resourceVersion: '1' } } }))).toBe(409);
  });

  it('watches through client-node Watch', async () => {
    const seen: string[] = [];
    const rv = (await core.listNamespacedConfigMap({ namespace: ns })).metadata!.resourceVersion!;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => { resolveDone = r; });
    const ctl = await new Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: rv, allowWatchBookmarks: true },
      (type, obj) => {
        seen.push(`${type}:${obj.metadata.name}`);
        if (seen.length === 3) resolveDone();
      }, () => undefined);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w1' } } });
    await core.patchNamespacedConfigMap({ name: 'w1', namespace: ns, body: { data: { x: 'y' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'w1', namespace: ns });
    await done;
    ctl.abort();
    expect(seen).toEqual(['ADDED:w1', 'MODIFIED:w1', 'DELETED:w1']);
  });

  it('feeds a client-node informer that survives a cut watch by restarting and resyncing', async () => {
    await core.createNamespace({ body: { metadata: { name: 'informed' } } });
    const informer = makeInformer(kc, '/api/v1/namespaces/informed/configmaps',
      () => core.listNamespacedConfigMap({ namespace: 'informed' }));
    const names = () => informer.list('informed').map((c) => c.metadata?.name).sort();
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    const changed = () => new Promise<void>((r) => {
      const cb = () => { informer.off('change', cb); informer.off('delete', cb); r(); };
      informer.on('change', cb);
      informer.on('delete', cb);
    });
    await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'a' } } });
    await informer.start();
    expect(names()).toEqual(['a']);
    let next = changed();
    await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'b' } } });
    await next;
    expect(names()).toEqual(['a', 'b']);

    // A cut watch surfaces as an informer error (client-node does not restart by itself, as against a real cluster).
    const errored = new Promise<void>((r) => informer.on('error', () => r()));
    sim.faults.cutWatches();
    await errored;
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'informed' });
    // Restarted, it resumes from its last resourceVersion: the deletion made meanwhile is replayed.
    next = changed();
    await informer.start();
    await next;
    expect(names()).toEqual(['b']);
    next = changed();
    await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'c' } } });
    await next;
    expect(names()).toEqual(['b', 'c']);
    await informer.stop();
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it('injects latency and 500/429 failures per verb and resource, and clears them', async () => {
    sim.faults.set({ failures: [{ verb: 'list', resource: 'configmaps', rate: 1, status: 429, retryAfterSeconds: 7 }] });
    const res = await raw(sim, 'GET', `/api/v1/namespaces/${ns}/configmaps`);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 7 } });
    // Other verbs and resources are untouched.
    expect((await raw(sim, 'GET', `/api/v1/namespaces/${ns}/configmaps/cfg`)).status).toBe(200);
    expect((await raw(sim, 'GET', `/api/v1/namespaces/${ns}/secrets`)).status).toBe(200);

    const set = await raw(sim, 'POST', '/_sim/faults', { body: { latencyMs: 150, failures: [{ verb: 'create', rate: 1, status: 500 }] } });
    expect(set.status).toBe(200);
    const t0 = Date.now();
    const failed = await raw(sim, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { metadata: { name: 'nope' } } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });

    expect((await raw(sim, 'DELETE', '/_sim/faults')).json).toEqual({ latencyMs: 0, failures: [] });
    expect((await raw(sim, 'GET', `/api/v1/namespaces/${ns}/configmaps`)).status).toBe(200);
    expect((await raw(sim, 'GET', '/_sim/healthz')).json).toMatchObject({ ok: true });
  });
});
