// HTTP checks (blue/green pre/post-promotion, canary check steps). The worker runs them; the machine starts them,
// reads their outcome from the observation and records the result on the timeline.
import type { Failure } from '../../model/deployment/deployment.types';
import type { HttpCheck } from '../../model/strategy-document/strategy-document.types';
import { failDeployment } from './restore.machine';
import { effect, emit, setPhase, type Tick } from './tick.machine';

/** Unique per deployment, stage, position and attempt, so a retry runs a fresh check. */
export function checkId(group: string, index: number, attempt: number): string {
  return `${group}-${index + 1}-a${attempt}`;
}

export function startChecks(t: Tick, checks: readonly HttpCheck[], group: string, attempt: number): void {
  checks.forEach((spec, i) => {
    const id = checkId(group, i, attempt);
    effect(t, { kind: 'runCheck', checkId: id, spec });
    emit(t, 'CheckStarted', `Check \`${spec.name}\` started: ${spec.count} × GET ${spec.url}`, { checkId: id, check: spec.name, url: spec.url });
  });
}

export type ChecksOutcome = { status: 'running' } | { status: 'passed' } | { status: 'inconclusive'; check: string } | { status: 'failed'; failure: Failure };

/** Reads the checks' outcome; when they are over, records it on the timeline (callers then leave the stage). */
export function checksOutcome(t: Tick, checks: readonly HttpCheck[], group: string, attempt: number): ChecksOutcome {
  const results = checks.map((spec, i) => ({ spec, id: checkId(group, i, attempt), obs: t.obs.checks[checkId(group, i, attempt)] }));
  const failed = results.find((r) => r.obs?.status === 'Failed');
  if (failed) {
    const { spec, id, obs } = failed;
    const detail = `${obs?.failures ?? 0} failed probe(s), limit ${spec.failureLimit}${obs?.message ? `; last: ${obs.message}` : ''}`;
    emit(t, 'CheckFailed', `Check \`${spec.name}\` failed: ${detail}`, { checkId: id, check: spec.name, successes: obs?.successes, failures: obs?.failures });
    return { status: 'failed', failure: { code: 'CheckFailed', reason: `check \`${spec.name}\` failed: ${detail}`, at: t.now, data: { checkId: id, check: spec.name } } };
  }
  if (results.some((r) => r.obs?.status !== 'Passed' && r.obs?.status !== 'Inconclusive')) return { status: 'running' };
  const inconclusive = results.find((r) => r.obs?.status === 'Inconclusive');
  if (inconclusive) {
    emit(t, 'CheckInconclusive', `Check \`${inconclusive.spec.name}\` was inconclusive${inconclusive.obs?.message ? `: ${inconclusive.obs.message}` : ''}`, {
      checkId: inconclusive.id,
      check: inconclusive.spec.name,
    });
    return { status: 'inconclusive', check: inconclusive.spec.name };
  }
  for (const r of results) {
    emit(t, 'CheckPassed', `Check \`${r.spec.name}\` passed (${r.obs?.successes ?? 0} successful probe(s))`, {
      checkId: r.id,
      check: r.spec.name,
      successes: r.obs?.successes,
      failures: r.obs?.failures,
    });
  }
  return { status: 'passed' };
}

/**
 * Whether the checks passed, acting on the other outcomes the same way at every stage that runs checks: a failure
 * fails the deployment (and so rolls back), an inconclusive result pauses it for a human (promote goes on, retry
 * runs the checks again), and running checks keep the stage where it is.
 */
export function checksPassed(t: Tick, checks: readonly HttpCheck[], group: string, attempt: number): boolean {
  const outcome = checksOutcome(t, checks, group, attempt);
  switch (outcome.status) {
    case 'running':
      return false;
    case 'failed':
      failDeployment(t, outcome.failure);
      return false;
    case 'inconclusive':
      setPhase(t, 'Paused', 'Inconclusive', `check \`${outcome.check}\` was inconclusive: promote to go on, retry to run it again`);
      return false;
    case 'passed':
      return true;
  }
}
