import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { ReleaseSpec } from '@cutover/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deploy,
  releaseSpec,
  seedApp,
  seedRelease,
  simGet,
  simList,
  startStack,
  startWorker,
  until,
  waitPhase,
  type Seeded,
  type Stack,
} from './worker-harness';

const RELEASE = 'cutover.dev/release';

describe('worker: failures roll back automatically, the previous release serving again', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let checks: Server;
  let checkUrl: string;

  beforeAll(async () => {
    stack = await startStack('fail');
    worker = await startWorker(stack);
    checks = createServer((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((resolve) => checks.listen(0, '127.0.0.1', resolve));
    checkUrl = `http://127.0.0.1:${(checks.address() as AddressInfo).port}/healthz`;
  });

  afterAll(async () => {
    await worker?.close();
    await stack?.stop();
    await new Promise((resolve) => checks?.close(resolve));
  });

  async function serving(app: string, replicas: number, strategy: unknown, bad: ReleaseSpec): Promise<Seeded> {
    const s = await seedApp(stack, app, { replicas, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec(`example/${app}:1.0.0`));
    await seedRelease(stack, s, '2.0.0', bad);
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);
    return s;
  }

  async function audited(id: string): Promise<void> {
    const entries = await stack.prisma.auditEntry.findMany({ where: { resourceType: 'deployment', resourceId: id, actorName: 'system' } });
    expect(entries.map((e) => e.action)).toContain('deployment.rollback');
  }

  async function podsOf(s: Seeded, release: string): Promise<number> {
    return simList(stack, 'pods', s.namespace).filter((p) => p.metadata.labels?.[RELEASE] === release && p.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')).length;
  }

  it('RollingUpdate with a :broken image → CrashLoopBackOff → RolledBack to 1.0.0', async () => {
    const strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 };
    const s = await serving('rbroken', 3, strategy, releaseSpec('example/rbroken:broken'));
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const end = await waitPhase(stack, id, ['RolledBack', 'Failed']);
    expect(end.phase).toBe('RolledBack');
    expect(end.failure?.code).toBe('CrashLoopBackOff');
    const d = simGet(stack, 'deployments', s.namespace, 'rbroken')!;
    expect(d.metadata.labels[RELEASE]).toBe('1.0.0');
    expect(d.spec.template.spec.containers[0].image).toBe('example/rbroken:1.0.0');
    await until('1.0.0 serving at 3', async () => ((await podsOf(s, '1.0.0')) === 3 ? true : undefined));
    await audited(id);
  });

  it('Canary with an :unpullable image → ImagePullBackOff → canary at zero, stable 1.0.0', async () => {
    const strategy = { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }] };
    const s = await serving('cpull', 2, strategy, releaseSpec('example/cpull:unpullable'));
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const end = await waitPhase(stack, id, ['RolledBack', 'Failed']);
    expect(end.phase).toBe('RolledBack');
    expect(['ImagePullBackOff', 'ErrImagePull']).toContain(end.failure?.code);
    expect(simGet(stack, 'deployments', s.namespace, 'cpull-canary')!.spec.replicas).toBe(0);
    expect(simGet(stack, 'deployments', s.namespace, 'cpull-stable')!.metadata.labels[RELEASE]).toBe('1.0.0');
    await audited(id);
  });

  it('BlueGreen with a failing init container → the reason names it; active Service on the old colour', async () => {
    const strategy = { type: 'BlueGreen', scaleDownDelaySeconds: 1 };
    const bad = releaseSpec('example/binit:2.0.0', { initContainers: [{ name: 'migrate', image: 'example/migrate:2.0.0' }], annotations: { 'sim.cutover.dev/init-fail': 'migrate' } });
    const s = await serving('binit', 2, strategy, bad);
    const activeBefore = simGet(stack, 'services', s.namespace, 'binit')!.spec.selector['cutover.dev/role'];
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const end = await waitPhase(stack, id, ['RolledBack', 'Failed']);
    expect(end.phase).toBe('RolledBack');
    expect(end.failure?.code).toBe('InitContainerFailed');
    expect(end.failure?.reason).toContain('`migrate`');
    expect(simGet(stack, 'services', s.namespace, 'binit')!.spec.selector['cutover.dev/role']).toBe(activeBefore);
    const fresh = activeBefore === 'blue' ? 'green' : 'blue';
    await until('new colour at zero', () => (simGet(stack, 'deployments', s.namespace, `binit-${fresh}`)!.spec.replicas === 0 ? true : undefined));
  });

  it('a failing pre-deploy hook fails the deployment with nothing else changed', async () => {
    const strategy = { type: 'RollingUpdate' };
    const bad = releaseSpec('example/hook:2.0.0', { hooks: [{ name: 'migrate', image: 'example/migrate:fail' }] });
    const s = await serving('hook', 2, strategy, bad);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const end = await waitPhase(stack, id, ['Failed', 'RolledBack']);
    expect(end.phase).toBe('Failed');
    expect(end.failure?.code).toBe('HookFailed');
    const [job] = simList(stack, 'jobs', s.namespace);
    expect(job?.metadata.labels).toMatchObject({ [RELEASE]: '2.0.0', 'cutover.dev/role': 'hook', 'app.kubernetes.io/managed-by': 'cutover' });
    expect(job?.metadata.annotations['cutover.dev/hook']).toBe('migrate');
    const d = simGet(stack, 'deployments', s.namespace, 'hook')!;
    expect(d.metadata.labels[RELEASE]).toBe('1.0.0');
    expect(d.spec.replicas).toBe(2);
  });

  it('a progress deadline reported by Kubernetes → RolledBack', async () => {
    const strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 20 };
    const slow = releaseSpec('example/slow:2.0.0', { annotations: { 'sim.cutover.dev/ready-after': '1h' } });
    const s = await serving('slow', 2, strategy, slow);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const end = await waitPhase(stack, id, ['RolledBack', 'Failed']);
    expect(end.phase).toBe('RolledBack');
    expect(end.failure?.code).toBe('ProgressDeadlineExceeded');
    expect(simGet(stack, 'deployments', s.namespace, 'slow')!.metadata.labels[RELEASE]).toBe('1.0.0');
    await until('1.0.0 serving at 2', async () => ((await podsOf(s, '1.0.0')) === 2 ? true : undefined));
  });

  it('a failing HTTP check → CheckFailed → RolledBack, with the probes on the timeline', async () => {
    const strategy = { type: 'BlueGreen', scaleDownDelaySeconds: 1, prePromotionChecks: [{ name: 'health', url: checkUrl, count: 3, interval: 0.1, timeout: 1, failureLimit: 1 }] };
    const s = await serving('bcheck', 2, strategy, releaseSpec('example/bcheck:2.0.0'));
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const end = await waitPhase(stack, id, ['RolledBack', 'Failed']);
    expect(end.phase).toBe('RolledBack');
    expect(end.failure?.code).toBe('CheckFailed');
    const failed = await stack.prisma.deploymentEvent.findFirstOrThrow({ where: { deploymentId: id, type: 'CheckFailed' } });
    expect(failed.message).toContain('503');
  });

  it('a first deployment that fails stops at Failed with its objects scaled down', async () => {
    const strategy = { type: 'RollingUpdate' };
    const s = await seedApp(stack, 'first', { replicas: 2, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec('example/first:broken'));
    const id = await deploy(stack, s, '1.0.0', strategy, null);
    const end = await waitPhase(stack, id, ['Failed', 'RolledBack']);
    expect(end.phase).toBe('Failed');
    await until('scaled to zero', () => (simGet(stack, 'deployments', s.namespace, 'first')!.spec.replicas === 0 ? true : undefined));
  });
});
