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
