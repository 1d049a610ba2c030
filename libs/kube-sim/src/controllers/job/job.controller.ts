// The Job controller: one pod per attempt, up to parallelism at a time, until `completions` pods succeed
// (Complete) or more than backoffLimit fail (Failed, reason BackoffLimitExceeded), with exponential back-off
// between failed attempts.
import type { KubeObject, StoreEvent } from '../../store/store.types';
import type { ControllerContext } from '../runtime/controller-context';
import { clone, controllerOf, controllerRef, keyOf, R, randomSuffix, sameResource, splitKey } from '../runtime/resources';
import type { WorkQueue } from '../runtime/work-queue';

const backoffBaseMs = 10_000;
const backoffCapMs = 360_000;

interface Tally {
  succeeded: Set<string>;
  failed: Set<string>;
  lastFailureMs: number;
  /** The last pod that failed, not yet counted in status.failed while the Job is FailureTarget only. */
  lastFailedUid: string | null;
}

export class JobController {
  private readonly queue: WorkQueue;
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly ctx: ControllerContext) {
    this.queue = ctx.queue('job', (key) => this.sync(key));
    ctx.on((ev) => this.onEvent(ev));
    for (const j of ctx.jobs.list()) this.queue.add(keyOf(j));
  }

  private onEvent(ev: StoreEvent): void {
    if (sameResource(ev.resource, R.jobs)) {
      if (ev.type === 'DELETED') this.tallies.delete(ev.object.metadata.uid!);
      else this.queue.add(keyOf(ev.object));
    } else if (sameResource(ev.resource, R.pods)) {
      const ref = controllerOf(ev.object);
      if (ref?.kind === 'Job') this.queue.add(`${ev.object.metadata.namespace}/${ref.name}`);
    }
  }

  private tally(uid: string, status: any): Tally {
    let t = this.tallies.get(uid);
    if (!t) {
      // Counts from before a restart are kept in status; pods already counted may be gone.
      t = { succeeded: new Set(), failed: new Set(), lastFailureMs: 0, lastFailedUid: null };
      for (let i = 0; i < (status?.succeeded ?? 0); i++) t.succeeded.add(`counted-${i}`);
      for (let i = 0; i < (status?.failed ?? 0); i++) t.failed.add(`counted-${i}`);
      this.tallies.set(uid, t);
    }
    return t;
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const cached = this.ctx.jobs.get(ns, name);
    if (!cached || cached.metadata.deletionTimestamp) return;
    const job = clone(cached);
    const spec = job.spec ?? {};
    if (this.expireFinished(job, key)) return;
    const completions: number = spec.completions ?? 1;
    const parallelism: number = spec.parallelism ?? 1;
    const backoffLimit: number = spec.backoffLimit ?? 6;
    const finished = (job.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    const pods = this.ctx.pods.ownedBy(job.metadata.uid!);
    const t = this.tally(job.metadata.uid!, job.status);
    const nowMs = this.ctx.clock.now();
    for (const p of pods) {
      if (p.status?.phase === 'Succeeded') t.succeeded.add(p.metadata.uid!);
      if (p.status?.phase === 'Failed' && !t.failed.has(p.metadata.uid!)) {
        t.failed.add(p.metadata.uid!);
        t.lastFailureMs = nowMs;
        t.lastFailedUid = p.metadata.uid!;
      }
    }
    const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp);
    const now = this.ctx.clock.timestamp();
    const status: any = { ...(job.status ?? {}) };
    status.startTime ??= now;
    let conditions: any[] = [...(status.conditions ?? [])];
    const cond = (type: string, reason: string, message: string): any => ({ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message });

    const deadline = spec.activeDeadlineSeconds !== undefined ? Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 : undefined;
    // As Kubernetes v1.31+ does (recorded on v1.32): a failing Job first gets FailureTarget alone, with the pod that
    // crossed the limit in uncountedTerminatedPods and status.failed still the previous count; the next sync counts
    // it and adds Failed. Both conditions stay.
    const target = conditions.find((c: any) => c.type === 'FailureTarget' && c.status === 'True');
    let uncountedFailed: string[] = [];
    if (!finished && target) {
      conditions = [...conditions, cond('Failed', target.reason, target.message)];
      this.ctx.recorder.record(job, 'Warning', target.reason, target.message, 'job-controller');
    } else if (!finished) {
      if (deadline !== undefined && deadline <= nowMs) {
        for (const p of active) this.ctx.store.delete(R.pods, p.metadata.namespace, p.metadata.name);
        conditions = [...conditions, cond('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline')];
        this.queue.add(key);
      } else if (t.failed.size > backoffLimit) {
        for (const p of active) this.ctx.store.delete(R.pods, p.metadata.namespace, p.metadata.name);
        conditions = [...conditions, cond('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')];
        if (t.lastFailedUid) uncountedFailed = [t.lastFailedUid];
        this.queue.add(key);
      } else if (t.succeeded.size >= completions) {
        for (const p of active) this.ctx.store.delete(R.pods, p.metadata.namespace, p.metadata.name);
        conditions = [...conditions, cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')];
        status.completionTime = now;
        this.ctx.recorder.record(job, 'Normal', 'Completed', 'Job completed', 'job-controller');
      } else if (!spec.suspend) {
        const want = Math.min(parallelism, completions - t.succeeded.size);
        const missing = want - active.length;
        if (missing > 0) {
          const wait = t.failed.size > 0 ? t.lastFailureMs + Math.min(backoffBaseMs * 2 ** (t.failed.size - 1), backoffCapMs) - nowMs : 0;
          if (wait > 0) this.queue.addAfter(key, wait);
          else for (let i = 0; i < missing; i++) this.createPod(job);
        }
        if (deadline !== undefined) this.queue.addAfter(key, deadline - nowMs);
      }
    }
    const activeNow = this.ctx.pods.ownedBy(job.metadata.uid!).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp);
    const next: any = {
      ...(conditions.length ? { conditions } : {}),
      startTime: status.startTime,
      ...(status.completionTime ? { completionTime: status.completionTime } : {}),
      ...(activeNow.length ? { active: activeNow.length } : {}),
      ...(t.succeeded.size ? { succeeded: t.succeeded.size } : {}),
      ...(t.failed.size - uncountedFailed.length ? { failed: t.failed.size - uncountedFailed.length } : {}),
      terminating: pods.filter((p) => p.metadata.deletionTimestamp).length,
      uncountedTerminatedPods: uncountedFailed.length ? { failed: uncountedFailed } : {},
      ready: activeNow.filter((p) => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')).length,
    };
    if (JSON.stringify(next) === JSON.stringify(job.status ?? {})) return;
    this.ctx.store.mutateStatus(R.jobs, ns, name, (o) => {
      o.status = next;
    });
  }

  /** The TTL-after-finished controller: a finished Job with ttlSecondsAfterFinished is deleted (Background) when it expires. */
  private expireFinished(job: KubeObject, key: string): boolean {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null) return false;
    const done = (job.status?.conditions ?? []).find((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (!done) return false;
    const expires = Date.parse(job.status?.completionTime ?? done.lastTransitionTime) + ttl * 1000;
    const now = this.ctx.clock.now();
    if (expires > now) {
      this.queue.addAfter(key, expires - now);
      return true;
    }
    this.ctx.store.delete(R.jobs, job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' });
    return true;
  }

  private createPod(job: KubeObject): void {
    const t = job.spec.template ?? {};
    const uid = job.metadata.uid!;
    const name = job.metadata.name;
    const labels = {
      ...(t.metadata?.labels ?? {}),
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    };
    const created = this.ctx.store.create(R.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-${randomSuffix()}`,
        generateName: `${name}-`,
        namespace: job.metadata.namespace,
        labels,
        ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(job)],
      },
      spec: { ...clone(t.spec ?? {}), restartPolicy: t.spec?.restartPolicy ?? 'Never' },
    });
    this.ctx.recorder.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, 'job-controller');
  }
}
