// The kubelet and scheduler stand-ins against the real store, at a fast time scale.
import { afterEach, describe, expect, it } from 'vitest';
import { cond, podManifest, startHarness, type Harness } from '../controllers/__tests__/sim-harness';
import { R } from '../controllers/runtime/resources';

let h: Harness | undefined;
afterEach(() => h?.stop());

const cs = (h: Harness, name: string, init = false): any => h.get(R.pods, name)?.status?.[init ? 'initContainerStatuses' : 'containerStatuses']?.[0];

describe('kubelet', () => {
  it('runs init containers, then the app container, and reports Ready after the readiness delay', async () => {
    h = startHarness({ timeScale: 20 });
    h.store.create(R.pods, podManifest('p', h.ns, { init: [{ name: 'migrate', image: 'registry.example/m:v1' }], annotations: { 'sim.cutover.dev/ready-after': '2s', 'sim.cutover.dev/init-duration': '500ms' } }));
    const scheduled = await h.waitFor(() => { const p = h!.get(R.pods, 'p'); return p?.spec.nodeName && p; }, 'binding');
    expect(scheduled.spec.nodeName).toMatch(/^sim-node-[123]$/);
    const init = await h.waitFor(() => { const p = h!.get(R.pods, 'p'); return cond(p, 'Initialized')?.status === 'True' && p; }, 'Initialized');
    expect(init.status.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(init.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    const running = await h.waitFor(() => { const p = h!.get(R.pods, 'p'); return p?.status?.phase === 'Running' && p; }, 'Running');
    expect(cond(running, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    const ready = await h.waitFor(() => { const p = h!.get(R.pods, 'p'); return cond(p, 'Ready')?.status === 'True' && p; }, 'Ready');
    expect(ready.status.conditions.map((c: any) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    const startedAt = Date.parse(ready.status.containerStatuses[0].state.running.startedAt);
    expect(Date.parse(cond(ready, 'Ready').lastTransitionTime) - startedAt).toBeGreaterThanOrEqual(1000);
    const reasons = h.events('p').map((e: any) => e.reason);
    expect(reasons).toEqual(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started', 'Pulling', 'Pulled', 'Created', 'Started']);
  });

  it('crash-loops a :broken container with growing back-off and exit code 1', async () => {
    h = startHarness({ timeScale: 100 });
    h.store.create(R.pods, podManifest('b', h.ns, { image: 'registry.example/app:broken' }));
    const looping = await h.waitFor(() => { const c = cs(h!, 'b'); return c?.state?.waiting?.reason === 'CrashLoopBackOff' && c; }, 'CrashLoopBackOff');
    expect(looping.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(looping.state.waiting.message).toMatch(/^back-off 10s restarting failed container=app pod=b_test\(/);
    await h.waitFor(() => cs(h!, 'b')?.restartCount >= 1 && cs(h!, 'b')?.state?.waiting?.message?.startsWith('back-off 20s'), 'second back-off');
    expect(h.get(R.pods, 'b')!.status.phase).toBe('Running');
    expect(h.events('b').some((e: any) => e.reason === 'BackOff')).toBe(true);
  });

  it('never pulls an :unpullable image: ErrImagePull then ImagePullBackOff, pod stays Pending', async () => {
    h = startHarness({ timeScale: 50 });
    h.store.create(R.pods, podManifest('u', h.ns, { image: 'registry.example/app:unpullable' }));
    const pulling = await h.waitFor(() => { const c = cs(h!, 'u'); return c?.state?.waiting?.reason === 'ErrImagePull' && c; }, 'ErrImagePull');
    expect(pulling.state.waiting.message).toContain('failed to pull and unpack image "registry.example/app:unpullable"');
    await h.waitFor(() => cs(h!, 'u')?.state?.waiting?.reason === 'ImagePullBackOff', 'ImagePullBackOff');
    expect(cs(h, 'u').state.waiting.message).toBe('Back-off pulling image "registry.example/app:unpullable"');
    expect(h.get(R.pods, 'u')!.status.phase).toBe('Pending');
    expect(cond(h.get(R.pods, 'u'), 'Ready').status).toBe('False');
  });

  it('cannot pull an image its registry lacks (missingImages), and pulls it once the registry has it', async () => {
    const missing = new Set(['registry.example/app:2.0.0']);
    h = startHarness({ timeScale: 50, missingImages: missing });
    h.store.create(R.pods, podManifest('m', h.ns, { image: 'registry.example/app:2.0.0' }));
    h.store.create(R.pods, podManifest('o', h.ns, { image: 'registry.example/app:1.0.0' }));
    const failed = await h.waitFor(() => { const c = cs(h!, 'm'); return c?.state?.waiting?.reason === 'ErrImagePull' && c; }, 'ErrImagePull');
    expect(failed.state.waiting.message).toContain('failed to pull and unpack image "registry.example/app:2.0.0"');
    await h.waitFor(() => cond(h!.get(R.pods, 'o'), 'Ready')?.status === 'True', 'the other image runs');
    missing.clear();
    await h.waitFor(() => cond(h!.get(R.pods, 'm'), 'Ready')?.status === 'True', 'Ready after the next pull', 30_000);
  });

  it('fails the init container named by init-fail: Init:Error then Init:CrashLoopBackOff', async () => {
    h = startHarness({ timeScale: 100 });
    h.store.create(R.pods, podManifest('i', h.ns, { init: [{ name: 'migrate', image: 'registry.example/m:v1' }], annotations: { 'sim.cutover.dev/init-fail': 'migrate' } }));
    const failed = await h.waitFor(() => { const c = cs(h!, 'i', true); return c?.state?.terminated?.exitCode === 1 && c; }, 'init exit 1');
    expect(failed.state.terminated.reason).toBe('Error');
    await h.waitFor(() => cs(h!, 'i', true)?.state?.waiting?.reason === 'CrashLoopBackOff', 'Init:CrashLoopBackOff');
    expect(cs(h, 'i').state.waiting.reason).toBe('PodInitializing');
    expect(h.get(R.pods, 'i')!.status.phase).toBe('Pending');
  });

  it('stops a deleted pod after its containers stop: Succeeded, then DELETED', async () => {
    h = startHarness({ timeScale: 50 });
    h.store.create(R.pods, podManifest('d', h.ns));
    await h.waitFor(() => cond(h!.get(R.pods, 'd'), 'Ready')?.status === 'True', 'Ready');
    h.store.delete(R.pods, h.ns, 'd');
    expect(h.get(R.pods, 'd')!.metadata.deletionTimestamp).toBeDefined();
    const done = await h.waitFor(() => { const p = h!.get(R.pods, 'd'); return p?.status?.phase === 'Succeeded' && p; }, 'Succeeded');
    expect(cond(done, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    await h.waitFor(() => !h!.get(R.pods, 'd'), 'removal');
    expect(h.events('d').some((e: any) => e.reason === 'Killing')).toBe(true);
  });
});

describe('scheduler', () => {
  it('binds only where requests fit, reports FailedScheduling, and retries when capacity frees', async () => {
    h = startHarness({ nodes: 1, timeScale: 50 });
    h.store.create(R.pods, podManifest('big', h.ns, { requests: { cpu: '3', memory: '1Gi' } }));
    await h.waitFor(() => h!.get(R.pods, 'big')?.spec.nodeName, 'big bound');
    h.store.create(R.pods, podManifest('next', h.ns, { requests: { cpu: '2' } }));
    const pending = await h.waitFor(() => { const p = h!.get(R.pods, 'next'); return cond(p, 'PodScheduled')?.status === 'False' && p; }, 'Unschedulable');
    expect(cond(pending, 'PodScheduled')).toMatchObject({ reason: 'Unschedulable', message: expect.stringContaining('0/1 nodes are available: 1 Insufficient cpu.') });
    expect(h.events('next').map((e: any) => e.reason)).toContain('FailedScheduling');
    h.store.delete(R.pods, h.ns, 'big');
    const bound = await h.waitFor(() => h!.get(R.pods, 'next')?.spec.nodeName, 'next bound after capacity freed');
    expect(bound).toBe('sim-node-1');
  });

  it('creates Node objects sim-node-1..N with 4 CPU / 8Gi allocatable, Ready', () => {
    h = startHarness({ nodes: 2 });
    const nodes = h.store.list(R.nodes);
    expect(nodes.map((n) => n.metadata.name)).toEqual(['sim-node-1', 'sim-node-2']);
    expect(nodes[0]!.status.allocatable).toMatchObject({ cpu: '4', memory: '8Gi' });
    expect(cond(nodes[0], 'Ready').status).toBe('True');
  });
});
