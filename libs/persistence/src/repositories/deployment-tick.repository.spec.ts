import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, emptyObservation, initialDeploymentState, parseStrategyDocument, type DeploymentContext, type Decision } from '@cutover/domain';
import { createTestPrisma } from '@cutover/testing';
import type { PrismaClient } from '../generated/prisma/client';
import { AuditRepository } from '../audit/audit.repository';
import { DeploymentTickRepository } from './deployment-tick.repository';

describe('DeploymentTickRepository (real Postgres)', () => {
  let prisma: PrismaClient;
  let repo: DeploymentTickRepository;

  beforeAll(() => {
    prisma = createTestPrisma();
    repo = new DeploymentTickRepository(prisma, new AuditRepository(prisma));
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  async function seed(): Promise<{ id: string; ctx: DeploymentContext }> {
    const suffix = randomUUID().slice(0, 8);
    const app = await prisma.application.create({ data: { name: `tick-${suffix}` } });
    const cluster = await prisma.cluster.create({ data: { name: `c-${suffix}`, server: 'https://127.0.0.1:1', authKind: 'token', credentials: new Uint8Array([1]) } });
    const env = await prisma.environment.create({ data: { applicationId: app.id, name: 'prod', clusterId: cluster.id, namespace: 'shop', replicas: 2, strategy: { type: 'Recreate' } } });
    const release = await prisma.release.create({ data: { applicationId: app.id, version: '1.0.0', seq: 1, spec: {}, digest: 'd', createdBy: 't' } });
    const strategy = parseStrategyDocument({ type: 'Recreate' });
    if (!strategy.ok) throw new Error('bad strategy');
    const ctx: DeploymentContext = { app: app.name, environment: 'prod', release: '1.0.0', previousRelease: null, kind: 'deploy', replicas: 2, strategy: strategy.value, preDeployHooks: [], podRequests: null };
    const d = await prisma.deployment.create({
      data: { environmentId: env.id, releaseId: release.id, strategy: {}, phase: 'Pending', state: initialDeploymentState(ctx, 1_000) as object, activeKey: env.id, createdBy: 't' },
    });
    return { id: d.id, ctx };
  }

  it('loads the tick input, commits once per version and ignores a stale commit', async () => {
    const { id } = await seed();
    const promote = await prisma.deploymentCommand.create({ data: { deploymentId: id, type: 'promote', actor: 'alice', payload: { full: true } } });
    const input = (await repo.load(id))!;
    expect(input.version).toBe(0);
    expect(input.target).toMatchObject({ namespace: 'shop', environment: 'prod' });
    expect(input.commands).toEqual([{ id: promote.id, type: 'promote', full: true, actor: 'alice', reason: null }]);

    const decision = decide(input.state, emptyObservation(), input.commands, 2_000);
    expect(decision.effects.length).toBeGreaterThan(0);
    const first = await repo.commit(id, 0, decision);
    expect(first.committed).toBe(true);
    if (!first.committed) return;
    expect(first.version).toBe(1);
    expect(first.effects.map((e) => [e.tick, e.ordinal])).toEqual(decision.effects.map((_, i) => [1, i]));

    // The same decision committed again (a duplicate job) finds the version moved: nothing written.
    const again = await repo.commit(id, 0, decision);
    expect(again.committed).toBe(false);
    expect(await prisma.deploymentEvent.count({ where: { deploymentId: id } })).toBe(decision.events.length);
    expect(await prisma.deploymentEffect.count({ where: { deploymentId: id } })).toBe(decision.effects.length);
    const cmd = await prisma.deploymentCommand.findUniqueOrThrow({ where: { id: promote.id } });
    expect(cmd.status).toBe(decision.commands[0]!.status);
    expect(cmd.consumedAt).not.toBeNull();

    const reloaded = (await repo.load(id))!;
    expect(reloaded.commands).toEqual([]);
    expect(reloaded.unfinished.map((e) => e.effect)).toEqual(decision.effects);
    await repo.markEffectsDone(reloaded.unfinished.map((e) => e.id));
    expect((await repo.load(id))!.unfinished).toEqual([]);
    // The reconciler's one query also says whether it is idle: nothing pending, nothing unfinished, its last commit.
    expect(await repo.listActive()).toContainEqual(expect.objectContaining({ id, namespace: 'shop', pendingCommands: 0, unfinishedEffects: 0, updatedAt: expect.any(Date) }));
  });

  it('loads the release specs the effects may need with the tick input: this one, the previous, the baseline\'s, the environment\'s since its latest success', async () => {
    const suffix = randomUUID().slice(0, 8);
    const app = await prisma.application.create({ data: { name: `specs-${suffix}` } });
    const cluster = await prisma.cluster.create({ data: { name: `cs-${suffix}`, server: 'https://127.0.0.1:1', authKind: 'token', credentials: new Uint8Array([1]) } });
    const env = await prisma.environment.create({ data: { applicationId: app.id, name: 'prod', clusterId: cluster.id, namespace: 'shop', replicas: 2, strategy: { type: 'Recreate' } } });
    const rel = async (version: string, seq: number) =>
      prisma.release.create({ data: { applicationId: app.id, version, seq, spec: { podSpec: { containers: [{ name: 'web', image: `web:${version}` }] } }, digest: version, createdBy: 't' } });
    const [v0, v1, v2, v3] = [await rel('0.9.0', 1), await rel('1.0.0', 2), await rel('1.1.0', 3), await rel('1.2.0', 4)];
    await rel('2.0.0', 5);
    const strategy = parseStrategyDocument({ type: 'Recreate' });
    if (!strategy.ok) throw new Error('bad strategy');
    const row = (releaseId: string, phase: string, at: number, extra: object = {}) =>
      prisma.deployment.create({ data: { environmentId: env.id, releaseId, strategy: {}, phase, state: {}, createdBy: 't', createdAt: new Date(at), ...extra } });
    await row(v0.id, 'Succeeded', 1_000);
    await row(v1.id, 'Succeeded', 2_000);
    await row(v2.id, 'Superseded', 3_000, { previousReleaseId: v1.id });
    const ctx: DeploymentContext = { app: app.name, environment: 'prod', release: '1.2.0', previousRelease: '1.0.0', kind: 'deploy', replicas: 2, strategy: strategy.value, preDeployHooks: [], podRequests: null };
    const d = await prisma.deployment.create({
      data: { environmentId: env.id, releaseId: v3.id, previousReleaseId: v1.id, strategy: {}, phase: 'Pending', state: initialDeploymentState(ctx, 1_000) as object, activeKey: env.id, createdBy: 't', createdAt: new Date(4_000) },
    });
    const input = (await repo.load(d.id))!;
    // 0.9.0 served before the latest success and 2.0.0 was never deployed here: neither can be on the cluster.
    expect([...input.releases.keys()].sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(input.releases.get('1.1.0')).toEqual(v2.spec);
    // Specs are immutable: a second load serves them from the process, and still names every version.
    expect([...(await repo.load(d.id))!.releases.keys()].sort()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
  });

  it('commits in one statement: events in order, effects, timestamps in UTC, the environment slot freed and taken back', async () => {
    const { id } = await seed();
    const input = (await repo.load(id))!;
    const now = new Date('2026-01-02T03:04:05.678Z');
    const decision: Decision = {
      state: { ...input.state, phase: 'Progressing' },
      effects: [
        { kind: 'scaleWorkload', name: 'a', replicas: 1 },
        { kind: 'scaleWorkload', name: 'b', replicas: 0 },
      ],
      events: ['first', 'second', 'third'].map((message) => ({ type: 'StepStarted', message, data: { message }, actor: 'system' })),
      commands: [],
      wakeAt: null,
    };
    const result = await repo.commit(id, input.version, decision, now, false);
    if (!result.committed) throw new Error('not committed');
    const events = await prisma.deploymentEvent.findMany({ where: { deploymentId: id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.seq.toString(), e.message, e.data, e.createdAt.toISOString()])).toEqual(
      ['first', 'second', 'third'].map((m, i) => [result.events[i]!.seq, m, { message: m }, now.toISOString()]),
    );
    const effects = await prisma.deploymentEffect.findMany({ where: { deploymentId: id }, orderBy: { ordinal: 'asc' } });
    expect(effects.map((e) => ({ id: e.id, tick: e.tick, ordinal: e.ordinal, payload: e.payload, status: e.status }))).toEqual(
      result.effects.map((e) => ({ id: e.id, tick: input.version + 1, ordinal: e.ordinal, payload: e.effect, status: 'pending' })),
    );
    let row = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ phase: 'Progressing', version: input.version + 1, finishedAt: null, activeKey: row.environmentId });
    expect(row.updatedAt.toISOString()).toBe(now.toISOString());

    // Succeeded (nothing to audit): finished, the slot freed.
    const done = { ...decision, state: { ...decision.state, phase: 'Succeeded' as const }, effects: [], events: [] };
    expect((await repo.commit(id, input.version + 1, done, now, false)).committed).toBe(true);
    row = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(row.activeKey).toBeNull();
    expect(row.finishedAt?.toISOString()).toBe(now.toISOString());
    expect(await prisma.auditEntry.count({ where: { resourceId: id } })).toBe(0);

    // Retried from a terminal state: the deployment takes its environment's slot back.
    expect((await repo.commit(id, input.version + 2, decision, now, true)).committed).toBe(true);
    row = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ activeKey: row.environmentId, finishedAt: null, version: input.version + 3 });
  });

  it('a terminal phase frees the environment; a system failure is audited', async () => {
    const { id } = await seed();
    const input = (await repo.load(id))!;
    const failed: Decision = {
      state: { ...input.state, phase: 'Failed', failure: { code: 'CrashLoopBackOff', reason: 'container `app` CrashLoopBackOff', at: 1, data: {} } },
      effects: [],
      events: [{ type: 'PhaseChanged', message: 'Failed', data: { from: 'Progressing', to: 'Failed' }, actor: 'system' }],
      commands: [],
      wakeAt: null,
    };
    expect((await repo.commit(id, input.version, failed)).committed).toBe(true);
    const row = await prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ phase: 'Failed', activeKey: null, failureReason: 'container `app` CrashLoopBackOff' });
    expect(row.finishedAt).not.toBeNull();
    const audit = await prisma.auditEntry.findMany({ where: { resourceId: id } });
    expect(audit).toEqual([expect.objectContaining({ actorName: 'system', action: 'deployment.fail', interface: 'system' })]);
    expect(await repo.listActive()).not.toContainEqual(expect.objectContaining({ id }));
    // Finished, but its last effect never ran (the worker died after the commit): the reconciler must see it.
    await prisma.deploymentEffect.create({ data: { deploymentId: id, tick: 9, ordinal: 0, kind: 'scaleWorkload', payload: { kind: 'scaleWorkload', name: 'x', replicas: 0 } } });
    expect(await repo.listActive()).toContainEqual(expect.objectContaining({ id }));
  });

  it('stores a check result with its effect, where the next load finds it', async () => {
    const { id } = await seed();
    const effect = { kind: 'runCheck' as const, checkId: 'pre-1-a1', spec: { name: 'smoke', url: 'http://127.0.0.1:1/', expectStatus: 200, timeout: 1, interval: 1, count: 1, failureLimit: 0 } };
    const row = await prisma.deploymentEffect.create({ data: { deploymentId: id, tick: 1, ordinal: 0, kind: 'runCheck', payload: effect } });
    expect((await repo.load(id))!.unfinished).toHaveLength(1);
    await repo.recordCheckResult(row.id, effect, { checkId: 'pre-1-a1', status: 'Passed', successes: 1, failures: 0, message: 'GET → 200' });
    const input = (await repo.load(id))!;
    expect(input.unfinished).toEqual([]);
    expect(input.checkResults['pre-1-a1']).toMatchObject({ status: 'Passed', successes: 1 });
  });
});
