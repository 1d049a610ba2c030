import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyWaveRunCommand, initialWaveRunState, recordStarted, type WaveRunState } from '@cutover/domain';
import { createTestPrisma } from '@cutover/testing';
import type { PrismaClient } from '../generated/prisma/client';
import { runTransaction } from '../transaction/transaction-runner.service';
import { WaveRunRepository } from './wave-run.repository';

const gate = { bakeSeconds: null, manual: false, analysis: null, approval: null };

describe('WaveRunRepository (real Postgres)', () => {
  let prisma: PrismaClient;
  let repo: WaveRunRepository;

  beforeAll(() => {
    prisma = createTestPrisma();
    repo = new WaveRunRepository(prisma);
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  async function seed() {
    const suffix = randomUUID().slice(0, 8);
    const app = await prisma.application.create({ data: { name: `waves-${suffix}` } });
    const cluster = await prisma.cluster.create({ data: { name: `c-${suffix}`, server: 'https://127.0.0.1:1', authKind: 'token', credentials: new Uint8Array([1]) } });
    const env = await prisma.environment.create({ data: { applicationId: app.id, name: 'eu', clusterId: cluster.id, namespace: 'shop', replicas: 1, strategy: { type: 'Recreate' } } });
    const release = await prisma.release.create({ data: { applicationId: app.id, version: '1.0.0', seq: 1, spec: {}, digest: 'd', createdBy: 't' } });
    const state = initialWaveRunState(
      {
        app: app.name,
        release: '1.0.0',
        waves: [{ name: 'one', maxParallel: null, selector: null, strategy: null, gate, environments: [{ environment: 'eu', environmentId: env.id, cluster: cluster.name }] }],
        policy: { stopOnFailure: true, rollbackCompleted: false, failureBudget: 0, supersede: false },
        createdBy: 'alice',
        createdByTokenId: null,
        reason: null,
      },
      1_000,
    ).state;
    const run = await runTransaction(prisma, (tx) => repo.create(tx, { applicationId: app.id, releaseId: release.id, state, reason: 'r', createdBy: 'alice', createdByTokenId: null }));
    return { app, env, release, run };
  }

  it('guards a commit with the version: a stale tick locks nothing and writes nothing', async () => {
    const { run } = await seed();
    expect(run).toMatchObject({ phase: 'Running', version: 0, app: expect.stringMatching(/^waves-/), release: '1.0.0' });
    const paused: WaveRunState = applyWaveRunCommand(run.state, { type: 'pause', actor: 'bob', role: 'deployer', reason: null }, 2_000).state;
    const saved = await runTransaction(prisma, async (tx) => {
      expect(await repo.lockAtVersion(tx, run.id, 0)).toBe(true);
      return repo.saveState(tx, run.id, paused);
    });
    expect(saved).toMatchObject({ version: 1, phase: 'Paused', pauseReason: 'UserPaused', finishedAt: null });
    // A tick that loaded version 0 finds it moved.
    expect(await runTransaction(prisma, (tx) => repo.lockAtVersion(tx, run.id, 0))).toBe(false);
    expect(await repo.listActiveIds()).toContain(run.id);
    // A worker serving other clusters (or a test stack sharing the database) does not wake it.
    const clusterId = (await prisma.environment.findFirstOrThrow({ where: { applicationId: run.applicationId } })).clusterId;
    expect(await repo.listActiveIds([clusterId])).toContain(run.id);
    expect(await repo.listActiveIds([randomUUID()])).not.toContain(run.id);
  });

  it('ends a run (finishedAt), lists it newest first, and reads its deployments with their phases', async () => {
    const { env, release, run, app } = await seed();
    const d = await prisma.deployment.create({ data: { environmentId: env.id, releaseId: release.id, strategy: {}, phase: 'Succeeded', createdBy: 'alice', waveRunId: run.id, failureReason: null } });
    const started = recordStarted(run.state, 0, [{ environment: 'eu', deploymentId: d.id, phase: 'Pending', reason: null }], 2_000).state;
    const aborted = applyWaveRunCommand(started, { type: 'abort', actor: 'bob', role: 'deployer', reason: 'stop' }, 3_000);
    const ended = await runTransaction(prisma, async (tx) => {
      const s = await repo.saveState(tx, run.id, aborted.state);
      expect(await repo.appendStreamedEvents(tx, run.id, aborted.state, aborted.events)).toEqual([d.id]);
      return s;
    });
    expect(ended.phase).toBe('Aborted');
    expect(ended.finishedAt).not.toBeNull();
    expect(await repo.listActiveIds()).not.toContain(run.id);
    expect(await repo.deploymentsOf(run.id)).toEqual([{ id: d.id, environment: 'eu', phase: 'Succeeded', failureReason: null }]);
    const event = await prisma.deploymentEvent.findFirstOrThrow({ where: { deploymentId: d.id, type: 'WaveRunAborted' } });
    expect(event.data).toMatchObject({ waveRunId: run.id });
    expect((await repo.listByApp(app.id, 10)).map((r) => r.id)).toEqual([run.id]);
    expect(await repo.findById('not-a-uuid')).toBeNull();
  });
});
