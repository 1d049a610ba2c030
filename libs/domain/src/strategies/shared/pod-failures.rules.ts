// Failures that are certain before any deadline: pods of the new release crash-looping, unable to pull their
// image, or whose init containers fail. Also the one-line pod progress the API shows.
import type { Failure, FailureCode } from '../../model/deployment/deployment.types';
import type { ContainerObservation, PodObservation } from '../../model/deployment/observation.types';

const CERTAIN_WAITING: Record<string, FailureCode> = {
  CrashLoopBackOff: 'CrashLoopBackOff',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImagePull: 'ErrImagePull',
  InvalidImageName: 'InvalidImageName',
};

function exit(c: ContainerObservation): string {
  return c.exitCode === null ? '' : `, exit ${c.exitCode}`;
}

/** The first certain failure of one pod, or null. */
export function podFailure(pod: PodObservation, now: number): Failure | null {
  for (const c of pod.initContainers) {
    const failedRun = c.state === 'terminated' && c.exitCode !== null && c.exitCode !== 0;
    const waitingCode = c.state === 'waiting' && c.reason ? CERTAIN_WAITING[c.reason] : undefined;
    if (failedRun || waitingCode) {
      const status = failedRun ? 'Init:Error' : `Init:${c.reason}`;
      return {
        code: 'InitContainerFailed',
        reason: `init container \`${c.name}\` failed${exit(c)}, ${status} (pod ${pod.name})`,
        at: now,
        data: { pod: pod.name, container: c.name, init: true, exitCode: c.exitCode, status },
      };
    }
    // Init containers run in order: nothing after a running one has started.
    if (c.state !== 'terminated') break;
  }
  for (const c of pod.containers) {
    const code = c.state === 'waiting' && c.reason ? CERTAIN_WAITING[c.reason] : undefined;
    if (code) {
      return {
        code,
        reason: `container \`${c.name}\` ${c.reason}${exit(c)} (pod ${pod.name})`,
        at: now,
        data: { pod: pod.name, container: c.name, init: false, exitCode: c.exitCode, status: c.reason },
      };
    }
  }
  return null;
}

/** The first certain failure among pods of `release` (hook and analysis Job pods excluded). */
export function releasePodFailure(pods: readonly PodObservation[], release: string, now: number): Failure | null {
  for (const pod of pods) {
    if (pod.release !== release || pod.role === 'hook' || pod.role === 'analysis' || pod.terminating) continue;
    const failure = podFailure(pod, now);
    if (failure) return failure;
  }
  return null;
}

/** "2/3 init containers done, `migrate` running"; "`migrate` failed, exit 1, Init:CrashLoopBackOff"; "Running, ready". */
export function describePodProgress(pod: PodObservation): string {
  const inits = pod.initContainers;
  const failure = podFailure(pod, 0);
  if (failure) {
    const d = failure.data as { container: string; exitCode: number | null; status: string };
    return `\`${d.container}\` failed${d.exitCode === null ? '' : `, exit ${d.exitCode}`}, ${d.status}`;
  }
  const done = inits.filter((c) => c.state === 'terminated' && c.exitCode === 0).length;
  if (inits.length > 0 && done < inits.length) {
    const current = inits[done];
    const doing = current.state === 'running' ? 'running' : `waiting${current.reason ? ` (${current.reason})` : ''}`;
    return `${done}/${inits.length} init containers done, \`${current.name}\` ${doing}`;
  }
  if (pod.terminating) return 'Terminating';
  const waiting = pod.containers.find((c) => c.state === 'waiting');
  if (waiting) return `${pod.phase}, \`${waiting.name}\` waiting${waiting.reason ? ` (${waiting.reason})` : ''}`;
  return pod.ready ? `${pod.phase}, ready` : `${pod.phase}, not ready`;
}
