// Pre-deploy hooks: the release's Jobs run one after another before any pod of the new release starts.
// A failed hook fails the deployment with nothing else changed.
import { names } from '../../model/deployment/topology.rules';
import { failDeployment } from './restore.machine';
import { effect, emit, timerDue, type Tick } from './tick.machine';

/** True once every hook has completed (immediately when there are none). */
export function hooksDone(t: Tick): boolean {
  const s = t.state;
  const { app, release, preDeployHooks } = s.ctx;
  const h = s.hooks;
  while (h.next < preDeployHooks.length) {
    const hook = preDeployHooks[h.next];
    const jobName = names.hookJob(app, release, hook);
    if (!h.started) {
      effect(t, { kind: 'ensureHookJob', name: jobName, release, hook, attempt: h.attempt });
      emit(t, 'HookStarted', `Hook \`${hook}\` started (Job ${jobName})`, { hook, job: jobName, attempt: h.attempt });
      h.started = true;
      h.since = t.now;
    }
    const job = t.obs.jobs[jobName];
    const current = job !== undefined && job.attempt === h.attempt;
    if (current && job.status === 'Complete') {
      emit(t, 'HookSucceeded', `Hook \`${hook}\` succeeded`, { hook, job: jobName });
      h.next += 1;
      h.started = false;
      continue;
    }
    if (current && job.status === 'Failed') {
      emit(t, 'HookFailed', `Hook \`${hook}\` failed${job.message ? `: ${job.message}` : ''}`, { hook, job: jobName, failed: job.failed });
      failDeployment(t, {
        code: 'HookFailed',
        reason: `pre-deploy hook \`${hook}\` failed${job.message ? `: ${job.message}` : ''}`,
        at: t.now,
        data: { hook, job: jobName },
      });
      return false;
    }
    const deadline = s.ctx.strategy.progressDeadlineSeconds;
    if (timerDue(t, h.since, deadline)) {
      failDeployment(t, { code: 'ProgressDeadlineExceeded', reason: `pre-deploy hook \`${hook}\` did not finish within ${deadline}s`, at: t.now, data: { hook, job: jobName } });
    }
    return false;
  }
  return true;
}
