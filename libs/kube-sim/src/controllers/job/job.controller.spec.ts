import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../store/store.types';
import { cond, startHarness, type Harness } from '../__tests__/sim-harness';
import { controllerOf, R } from '../runtime/resources';

let h: Harness | undefined;
afterEach(() => h?.stop());

function job(name: string, ns: string, image: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'hook', image }] } }, ...spec },
  };
}

describe('job controller', () => {
  it('runs one pod per attempt until `completions` succeed, then Complete', async () => {
    h = startHarness({ timeScale: 50 });
    h.store.create(R.jobs, job('migrate', h.ns, 'registry.example/migrate:v1', { completions: 2, parallelism: 1, backoffLimit: 2 }));
    const done = await h.waitFor(() => { const j = h!.get(R.jobs, 'migrate'); return cond(j, 'Complete')?.status === 'True' && j; }, 'Complete');
    expect(done.status).toMatchObject({ succeeded: 2 });
    expect(done.status.active).toBeUndefined();
    expect(done.status.startTime).toBeDefined();
    expect(done.status.completionTime).toBeDefined();
    const pods = h.list(R.pods).filter((p) => controllerOf(p)?.name === 'migrate');
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.status.phase === 'Succeeded')).toBe(true);
    expect(pods[0]!.metadata.labels).toMatchObject({ 'job-name': 'migrate', 'batch.kubernetes.io/job-name': 'migrate' });
  });

  it('fails with BackoffLimitExceeded after backoffLimit + 1 failed pods of a :fail image', async () => {
    h = startHarness({ timeScale: 200 });
    h.store.create(R.jobs, job('hook', h.ns, 'registry.example/hook:fail', { backoffLimit: 1 }));
    const failed = await h.waitFor(() => { const j = h!.get(R.jobs, 'hook'); return cond(j, 'Failed')?.status === 'True' && j; }, 'Failed', 20_000);
    expect(cond(failed, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(failed.status.failed).toBe(2);
    const pods = h.list(R.pods).filter((p) => controllerOf(p)?.name === 'hook');
    expect(pods).toHaveLength(2);
    expect(pods[0]!.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('as Kubernetes v1.32: FailureTarget first (the last failure still uncounted), then failed counted and Failed; both stay', async () => {
    h = startHarness({ timeScale: 200 });
    const seen: Array<{ conditions: string[]; failed: number; uncounted: string[] }> = [];
    const off = h.store.subscribe((ev) => {
      if (ev.resource.resource !== 'jobs' || ev.object.metadata.name !== 'trace') return;
      const status = (ev.object as KubeObject).status ?? {};
      seen.push({ conditions: (status.conditions ?? []).map((c: { type: string }) => c.type), failed: status.failed ?? 0, uncounted: status.uncountedTerminatedPods?.failed ?? [] });
    });
    h.store.create(R.jobs, job('trace', h.ns, 'registry.example/trace:fail', { backoffLimit: 1 }));
    await h.waitFor(() => cond(h!.get(R.jobs, 'trace'), 'Failed')?.status === 'True', 'Failed', 20_000);
    off();
    const target = seen.findIndex((s) => s.conditions.includes('FailureTarget'));
    expect(seen[target]).toMatchObject({ conditions: ['FailureTarget'], failed: 1 });
    expect(seen[target]!.uncounted).toHaveLength(1);
    const final = seen.at(-1)!;
    expect(final).toEqual({ conditions: ['FailureTarget', 'Failed'], failed: 2, uncounted: [] });
  });

  it('a Job pod without a readiness probe is Ready while its container runs, even one that fails later', async () => {
    h = startHarness({ timeScale: 50 });
    h.store.create(R.jobs, job('ready', h.ns, 'registry.example/ready:fail', { backoffLimit: 0 }));
    const ready = await h.waitFor(() => h!.list(R.pods).find((p) => controllerOf(p)?.name === 'ready' && cond(p, 'Ready')?.status === 'True'), 'pod Ready', 20_000);
    expect(ready.status.phase).toBe('Running');
    await h.waitFor(() => cond(h!.get(R.jobs, 'ready'), 'Failed')?.status === 'True', 'Failed', 20_000);
  });

  it('fails a Job that runs longer than activeDeadlineSeconds (DeadlineExceeded) and stops its pod', async () => {
    h = startHarness({ timeScale: 50 });
    h.store.create(R.jobs, job('slow', h.ns, 'registry.example/slow:v1', { activeDeadlineSeconds: 2, template: { metadata: { annotations: { 'sim.cutover.dev/exit-after': '60s' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'hook', image: 'registry.example/slow:v1' }] } } }));
    const failed = await h.waitFor(() => { const j = h!.get(R.jobs, 'slow'); return cond(j, 'Failed')?.status === 'True' && j; }, 'DeadlineExceeded');
    expect(cond(failed, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    await h.waitFor(() => h!.list(R.pods).every((p) => p.metadata.deletionTimestamp || p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded'), 'pod stopped');
  });

  it('deletes a finished Job and its pods after ttlSecondsAfterFinished', async () => {
    h = startHarness({ timeScale: 50 });
    h.store.create(R.jobs, job('once', h.ns, 'registry.example/once:v1', { ttlSecondsAfterFinished: 5 }));
    await h.waitFor(() => cond(h!.get(R.jobs, 'once'), 'Complete')?.status === 'True', 'Complete');
    await h.waitFor(() => !h!.get(R.jobs, 'once') && h!.list(R.pods).length === 0, 'Job and pods deleted');
  });
});
