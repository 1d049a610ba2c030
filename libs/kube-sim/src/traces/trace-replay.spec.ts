// Replays every recorded case of libs/kube-sim/test/traces against the simulator over HTTP (startKubeSim) and
// compares what the watches show with what the real kube-apiserver + kube-controller-manager did.
import { afterEach, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim, type ObjectStore } from '../index';
import { endpointsMembership, sliceMembership } from './endpoint-membership';
import { KubeHttp } from './kube-http';
import { podLifecycles } from './pod-lifecycle';
import { coreDeploymentSequence, coreReplicaSetSequence, countersMonotone, loadTrace } from './trace-format';
import { replayTrace } from './trace-replay';

const TIME_SCALE = 10;
let sim: KubeSim | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function replay(file: string) {
  sim = await startKubeSim({ nodes: 3, timeScale: TIME_SCALE, tls: false });
  const trace = loadTrace(file);
  const client = new KubeHttp({ url: sim.url, token: sim.token });
  const result = await replayTrace(trace, client, { timeoutMs: 30_000, timeScale: TIME_SCALE });
  return { trace, result };
}

function expectSameWorkloadHistory(result: Awaited<ReturnType<typeof replay>>['result']): void {
  expect(coreDeploymentSequence(result.sim.get('deployment')!)).toEqual(coreDeploymentSequence(result.trace.get('deployment')!));
  expect(countersMonotone(result.sim.get('deployment')!)).toEqual([]);
  const rsKeys = [...result.trace.keys()].filter((k) => k.startsWith('replicaset#'));
  expect([...result.sim.keys()].filter((k) => k.startsWith('replicaset#')).sort()).toEqual(rsKeys.sort());
  for (const k of rsKeys) expect(coreReplicaSetSequence(result.sim.get(k)!), k).toEqual(coreReplicaSetSequence(result.trace.get(k)!));
}

function expectSameConditionOrder(trace: { events: any[] }, result: { events: any[] }): void {
  expect(conditionOrder(result.events)).toEqual(conditionOrder(trace.events));
}

/** Every pod went through the same states as one of the recorded pods (scheduling, sandbox, init, pull, readiness, shutdown). */
function expectSamePodLifecycles(trace: { events: any[] }, result: { events: any[] }): void {
  const oneEventBinding = typeof (sim?.store as ObjectStore | undefined)?.mutateWithStatus === 'function';
  expect(podLifecycles(result.events, oneEventBinding)).toEqual(podLifecycles(trace.events));
}

/** A Deployment's conditions in order (SetDeploymentCondition moves a changed one to the end) with their messages, collapsed. */
function conditionOrder(events: { resource: string; object: any }[]): string[] {
  // Replica set names carry a cluster-specific hash: messages name them by creation order instead.
  const names: string[] = [];
  for (const e of events) if (e.resource === 'replicasets' && !names.includes(e.object.metadata.name)) names.push(e.object.metadata.name);
  const msg = (m: string): string => m.replace(/"([^"]+)"/g, (all, n: string) => (names.includes(n) ? `"replicaset#${names.indexOf(n) + 1}"` : all));
  return events
    .filter((e) => e.resource === 'deployments')
    .map((e) => (e.object.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}:${c.reason}: ${msg(c.message)}`).join(', '))
    .filter((x, i, all) => i === 0 || x !== all[i - 1]);
}

function revisions(events: { resource: string; type: string; object: any }[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const order: string[] = [];
  for (const e of events) {
    if (e.resource === 'replicasets' && !order.includes(e.object.metadata.name)) order.push(e.object.metadata.name);
    if (e.resource === 'replicasets') out[`replicaset#${order.indexOf(e.object.metadata.name) + 1}`] = e.object.metadata.annotations?.['deployment.kubernetes.io/revision'];
    if (e.resource === 'deployments') out.deployment = e.object.metadata.annotations?.['deployment.kubernetes.io/revision'];
  }
  return out;
}

describe('golden traces replayed against the simulator', () => {
  it('rolling-update: RollingUpdate 4 replicas, maxSurge 1, maxUnavailable 0', async () => {
    const { trace, result } = await replay('rolling-update.ndjson');
    expectSameWorkloadHistory(result);
    expectSameConditionOrder(trace, result);
    expectSamePodLifecycles(trace, result);
    expect(revisions(result.events)).toEqual(revisions(trace.events));
  });

  it('recreate: the new ReplicaSet appears only after the last old pod is DELETED', async () => {
    const { trace, result } = await replay('recreate.ndjson');
    expectSameWorkloadHistory(result);
    expectSameConditionOrder(trace, result);
    expectSamePodLifecycles(trace, result);
    expect(revisions(result.events)).toEqual(revisions(trace.events));
    // Ordered by resourceVersion (one counter for the whole store), not by arrival over separate watch streams.
    const rv = (e: { object: any }): number => Number(e.object.metadata.resourceVersion);
    const newRsAdded = result.events.find((e) => e.resource === 'replicasets' && e.type === 'ADDED' && e.object.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2')!;
    const oldPods = new Set(result.events.filter((e) => e.resource === 'pods' && e.type === 'ADDED' && rv(e) < rv(newRsAdded)).map((e) => e.object.metadata.uid));
    const lastOldDelete = Math.max(...result.events.filter((e) => e.resource === 'pods' && e.type === 'DELETED' && oldPods.has(e.object.metadata.uid)).map(rv));
    expect(oldPods.size).toBe(3);
    expect(rv(newRsAdded)).toBeGreaterThan(lastOldDelete);
  });

  it('progress-deadline: ProgressDeadlineExceeded, then rollback reuses the old ReplicaSet', async () => {
    const { trace, result } = await replay('progress-deadline.ndjson');
    expectSameWorkloadHistory(result);
    expectSameConditionOrder(trace, result);
    expectSamePodLifecycles(trace, result);
    expect(revisions(result.events)).toEqual(revisions(trace.events));
    const timedOut = result.events.find((e) => e.resource === 'deployments' && e.object.status?.conditions?.some((c: any) => c.reason === 'ProgressDeadlineExceeded'));
    const cond = timedOut!.object.status.conditions.find((c: any) => c.type === 'Progressing');
    const badRs = result.events.find((e) => e.resource === 'replicasets' && e.object.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2')!.object.metadata.name;
    expect(cond).toMatchObject({ status: 'False', message: `ReplicaSet "${badRs}" has timed out progressing.` });
    expect(cond.lastUpdateTime).toBe(cond.lastTransitionTime);
    // The never-started pod of the bad ReplicaSet ends Failed with ContainerStatusUnknown (137).
    const badPodEnd = result.events.filter((e) => e.resource === 'pods' && e.object.metadata.name.startsWith(`${badRs}-`) && e.object.status?.phase === 'Failed').pop();
    expect(badPodEnd!.object.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137, reason: 'ContainerStatusUnknown' });
    const waiting = result.events.filter((e) => e.resource === 'pods' && e.object.metadata.name.startsWith(`${badRs}-`)).map((e) => e.object.status?.containerStatuses?.[0]?.state?.waiting?.reason).filter(Boolean);
    expect(waiting).toEqual(expect.arrayContaining(['ErrImagePull', 'ImagePullBackOff']));
  });

  it('pause-resume: paused changes wait, scaling while paused scales the current ReplicaSet', async () => {
    const { trace, result } = await replay('pause-resume.ndjson');
    expectSameWorkloadHistory(result);
    expectSameConditionOrder(trace, result);
    expectSamePodLifecycles(trace, result);
    expect(revisions(result.events)).toEqual(revisions(trace.events));
  });

  it('service-endpoints: Endpoints and EndpointSlice follow pod readiness and termination', async () => {
    const { trace, result } = await replay('service-endpoints.ndjson');
    expectSameWorkloadHistory(result);
    expectSameConditionOrder(trace, result);
    expectSamePodLifecycles(trace, result);
    expect(endpointsMembership(result.events)).toEqual(endpointsMembership(trace.events));
    expect(sliceMembership(result.events)).toEqual(sliceMembership(trace.events));
    const sliceNames = new Set(result.events.filter((e) => e.resource === 'endpointslices').map((e) => e.object.metadata.name));
    expect(sliceNames.size).toBe(1);
    expect([...sliceNames][0]).toMatch(/^web-[a-z0-9]{5}$/);
    expect(result.sim.get('endpoints')!.at(-1)).toBe(result.trace.get('endpoints')!.at(-1));
    expect(result.sim.get('endpointslice')!.at(-1)).toBe(result.trace.get('endpointslice')!.at(-1));
  });
});
