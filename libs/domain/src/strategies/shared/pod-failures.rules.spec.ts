import { describe, expect, it } from 'vitest';
import type { ContainerObservation, PodObservation } from '../../model/deployment/observation.types';
import { describePodProgress, podFailure, releasePodFailure } from './pod-failures.rules';

const c = (name: string, state: ContainerObservation['state'], reason: string | null = null, exitCode: number | null = null): ContainerObservation => ({
  name,
  state,
  reason,
  exitCode,
  restartCount: 0,
  ready: state === 'running',
});

function pod(initContainers: ContainerObservation[], containers: ContainerObservation[], extra: Partial<PodObservation> = {}): PodObservation {
  return { name: 'shop-abc', workload: 'shop', role: 'primary', release: 'v2', phase: 'Pending', ready: false, terminating: false, initContainers, containers, ...extra };
}

const done = c('migrate', 'terminated', 'Completed', 0);

describe('podFailure: what is certain before the deadline', () => {
  it.each<[string, PodObservation, string | null, string | null]>([
    ['running app', pod([done], [c('app', 'running')]), null, null],
    ['creating', pod([done], [c('app', 'waiting', 'ContainerCreating')]), null, null],
    ['init still running', pod([c('migrate', 'running')], [c('app', 'waiting', 'PodInitializing')]), null, null],
    ['CrashLoopBackOff', pod([done], [c('app', 'waiting', 'CrashLoopBackOff', 1)]), 'CrashLoopBackOff', 'container `app` CrashLoopBackOff, exit 1'],
    ['ImagePullBackOff', pod([], [c('app', 'waiting', 'ImagePullBackOff')]), 'ImagePullBackOff', 'container `app` ImagePullBackOff'],
    ['ErrImagePull', pod([], [c('app', 'waiting', 'ErrImagePull')]), 'ErrImagePull', 'ErrImagePull'],
    ['Init:Error', pod([c('migrate', 'terminated', 'Error', 1)], [c('app', 'waiting', 'PodInitializing')]), 'InitContainerFailed', 'init container `migrate` failed, exit 1, Init:Error'],
    ['Init:CrashLoopBackOff', pod([done, c('seed', 'waiting', 'CrashLoopBackOff', 2)], [c('app', 'waiting')]), 'InitContainerFailed', 'init container `seed` failed, exit 2, Init:CrashLoopBackOff'],
    ['init image pull', pod([c('migrate', 'waiting', 'ImagePullBackOff')], [c('app', 'waiting')]), 'InitContainerFailed', 'Init:ImagePullBackOff'],
  ])('%s', (_name, p, code, reason) => {
    const failure = podFailure(p, 7);
    expect(failure?.code ?? null).toBe(code);
    if (reason) expect(failure?.reason).toContain(reason);
  });

  it('only looks at pods of the new release, not terminating ones or hooks', () => {
    const crash = [c('app', 'waiting', 'CrashLoopBackOff', 1)];
    expect(releasePodFailure([pod([], crash, { release: 'v1' })], 'v2', 0)).toBeNull();
    expect(releasePodFailure([pod([], crash, { terminating: true })], 'v2', 0)).toBeNull();
    expect(releasePodFailure([pod([], crash, { role: 'hook' })], 'v2', 0)).toBeNull();
    expect(releasePodFailure([pod([], crash)], 'v2', 0)?.code).toBe('CrashLoopBackOff');
  });
});

describe('describePodProgress', () => {
  it.each<[PodObservation, string]>([
    [pod([done, c('seed', 'running'), c('warm', 'waiting', 'PodInitializing')], [c('app', 'waiting')]), '1/3 init containers done, `seed` running'],
    [pod([c('migrate', 'waiting', 'CrashLoopBackOff', 1)], [c('app', 'waiting')]), '`migrate` failed, exit 1, Init:CrashLoopBackOff'],
    [pod([done], [c('app', 'running')], { phase: 'Running', ready: true }), 'Running, ready'],
    [pod([], [c('app', 'waiting', 'ContainerCreating')]), 'Pending, `app` waiting (ContainerCreating)'],
  ])('%#', (p, text) => {
    expect(describePodProgress(p)).toBe(text);
  });
});
