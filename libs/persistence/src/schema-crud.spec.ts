// Every model through the generated client on the migrated database: create with every field, read back,
// update, delete; Json, Bytes, BigInt, DateTime precision, relations, cascades and unique constraints.
import { createScratchDatabase, createTestPrisma, readPrismaSchema } from '@cutover/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { Prisma } from './generated/prisma/client';
import { createPrismaClient } from './prisma/prisma.service';

const prisma = createTestPrisma();
afterAll(() => prisma.$disconnect());

const run = randomBytes(4).toString('hex');
const at = (iso: string) => new Date(iso);
/** Fields the database or client fills: ids, sequences, timestamps. */
// Filled by the database: keys, timestamps, and the event feed's commit-ordered position (its column default).
const AUTO = new Set(['id', 'seq', 'position', 'createdAt', 'updatedAt']);
const written = new Map<string, Set<string>>();

/** Records which fields a test wrote, so the last test can prove every scalar field of every model was. */
function cover<T extends object>(model: string, data: T): T {
  const seen = written.get(model) ?? new Set<string>();
  for (const [key, value] of Object.entries(data)) if (value !== undefined && value !== null) seen.add(key);
  written.set(model, seen);
  return data;
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

async function graph() {
  const cluster = await prisma.cluster.create({
    data: cover('Cluster', {
      name: `c-${run}-${randomUUID()}`,
      server: 'https://127.0.0.1:6443',
      authKind: 'token',
      credentials: Buffer.from([0, 1, 2, 255, 254]),
      labels: { region: 'eu', tier: { level: 1 } },
      lastCheckAt: at('2026-11-30T00:00:00.123Z'),
      lastCheckOk: true,
      lastCheckInfo: 'v1.31',
    }),
  });
  const application = await prisma.application.create({
    data: cover('Application', { name: `app-${run}-${randomUUID()}`, description: 'the shop', labels: { team: 'web' } }),
  });
  const environment = await prisma.environment.create({
    data: cover('Environment', {
      applicationId: application.id,
      clusterId: cluster.id,
      name: 'production',
      namespace: 'shop',
      replicas: 3,
      strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
      servicePort: 80,
      serviceTargetPort: 8080,
      serviceTargetPortName: 'http',
      protected: true,
      approvals: { required: 2, from: ['deployer'], expiresAfterSeconds: 3600, excludeDeployer: true, on: 'final' },
      labels: { tier: 'prod', region: 'eu' },
    }),
  });
  const release = (version: string, seq: number) =>
    prisma.release.create({
      data: cover('Release', {
        applicationId: application.id,
        version,
        seq,
        spec: { podSpec: { containers: [{ name: 'web', image: `shop:${version}` }] }, podLabels: {}, podAnnotations: {}, hooks: [] },
        digest: 'd'.repeat(64),
        notes: 'notes',
        commitSha: 'abc123',
        createdBy: 'alice',
      }),
    });
  const v1 = await release('1.0.0', 1);
  const v2 = await release('2.0.0', 2);
  return { cluster, application, environment, v1, v2 };
}

describe('every model round-trips through the generated client', () => {
  it('Cluster, Application, Environment, Release: create, read, update, delete, uniques and cascades', async () => {
    const { cluster, application, environment, v1 } = await graph();
    const readCluster = await prisma.cluster.findUniqueOrThrow({ where: { id: cluster.id }, include: { environments: true } });
    expect(Buffer.from(readCluster.credentials).equals(Buffer.from([0, 1, 2, 255, 254]))).toBe(true);
    expect(readCluster.labels).toEqual({ region: 'eu', tier: { level: 1 } });
    expect(readCluster.lastCheckAt?.toISOString()).toBe('2026-11-30T00:00:00.123Z');
    expect(readCluster.environments.map((env) => env.id)).toEqual([environment.id]);
    expect(readCluster.environments[0].labels).toEqual({ tier: 'prod', region: 'eu' });
    expect(readCluster.id).toMatch(/^[0-9a-f-]{36}$/);

    const bare = await prisma.application.create({ data: { name: `bare-${run}` } });
    expect(bare.labels).toEqual({});
    expect(bare.description).toBeNull();

    const updated = await prisma.cluster.update({ where: { id: cluster.id }, data: { lastCheckOk: false, labels: { region: 'us' } } });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(cluster.updatedAt.getTime());
    expect(updated.labels).toEqual({ region: 'us' });

    await expect(prisma.cluster.create({ data: { name: cluster.name, server: 's', authKind: 'token', credentials: Buffer.alloc(1) } })).rejects.toSatisfy(isUniqueViolation);
    await expect(prisma.environment.create({ data: { ...envData(environment), name: 'production' } })).rejects.toSatisfy(isUniqueViolation);
    await expect(prisma.release.create({ data: { applicationId: application.id, version: '1.0.0', seq: 99, spec: {}, digest: 'x', createdBy: 'a' } })).rejects.toSatisfy(isUniqueViolation);
    await expect(prisma.release.create({ data: { applicationId: application.id, version: '9.9.9', seq: 1, spec: {}, digest: 'x', createdBy: 'a' } })).rejects.toSatisfy(isUniqueViolation);

    // A cluster in use cannot go (Restrict); an application takes its environments and releases with it (Cascade).
    await expect(prisma.cluster.delete({ where: { id: cluster.id } })).rejects.toThrow();
    await prisma.application.delete({ where: { id: application.id } });
    expect(await prisma.environment.findUnique({ where: { id: environment.id } })).toBeNull();
    expect(await prisma.release.findUnique({ where: { id: v1.id } })).toBeNull();
    await prisma.cluster.delete({ where: { id: cluster.id } });
    await prisma.application.delete({ where: { id: bare.id } });
  });

  it('Deployment with events, commands, effects, rollbacks and the one-active-per-environment key', async () => {
    const { environment, v1, v2, application } = await graph();
    const first = await prisma.deployment.create({
      data: cover('Deployment', {
        environmentId: environment.id,
        releaseId: v1.id,
        strategy: { type: 'Recreate' },
        phase: 'Succeeded',
        pauseReason: 'manual',
        state: { step: 3, nested: [1, { a: null }] },
        version: 7,
        reason: 'first',
        failureReason: 'none',
        createdByTokenId: randomUUID(),
        createdBy: 'alice',
        finishedAt: at('2026-11-30T00:01:00.000Z'),
        freezeOverride: { reason: 'hotfix', by: 'alice', role: 'admin', windows: [{ id: 'w', name: 'xmas', until: '2026-12-27T00:00:00.000Z' }] },
      }),
    });
    expect(first.kind).toBe('deploy');
    expect(first.freezeOverride).toMatchObject({ reason: 'hotfix' });
    const second = await prisma.deployment.create({
      data: cover('Deployment', {
        environmentId: environment.id,
        releaseId: v2.id,
        previousReleaseId: v1.id,
        rollbackOfId: first.id,
        kind: 'rollback',
        strategy: { type: 'Recreate' },
        phase: 'Progressing',
        activeKey: environment.id,
        createdBy: 'bob',
      }),
    });
    expect(second.state).toEqual({});
    expect(second.version).toBe(0);
    await expect(
      prisma.deployment.create({ data: { environmentId: environment.id, releaseId: v2.id, strategy: {}, phase: 'Pending', activeKey: environment.id, createdBy: 'c' } }),
    ).rejects.toSatisfy(isUniqueViolation);

    const event = (n: number) =>
      prisma.deploymentEvent.create({ data: cover('DeploymentEvent', { deploymentId: second.id, type: 'step', message: `m${n}`, data: { n }, actor: 'worker', snapshot: { phase: 'Progressing' } }) });
    const e1 = await event(1);
    const e2 = await event(2);
    expect(typeof e1.seq).toBe('bigint');
    expect(e2.seq).toBeGreaterThan(e1.seq);
    expect(e2.position).toBeGreaterThan(e1.position);
    expect((await prisma.deploymentEvent.findMany({ where: { deploymentId: second.id, seq: { gt: e1.seq } } })).map((e) => e.message)).toEqual(['m2']);

    const command = await prisma.deploymentCommand.create({
      data: cover('DeploymentCommand', {
        deploymentId: second.id,
        type: 'pause',
        payload: { reason: 'look' },
        actor: 'alice',
        actorTokenId: randomUUID(),
        reason: 'check metrics',
        status: 'applied',
        result: 'ok',
        consumedAt: at('2026-11-30T00:02:00.000Z'),
      }),
    });
    expect((await prisma.deploymentCommand.create({ data: { deploymentId: second.id, type: 'resume', actor: 'a' } })).status).toBe('pending');

    const effect = await prisma.deploymentEffect.create({
      data: cover('DeploymentEffect', { deploymentId: second.id, tick: 1, ordinal: 0, kind: 'scale', payload: { replicas: 2 }, status: 'done', doneAt: at('2026-11-30T00:03:00.000Z') }),
    });
    await expect(prisma.deploymentEffect.create({ data: { deploymentId: second.id, tick: 1, ordinal: 0, kind: 'x', payload: {} } })).rejects.toSatisfy(isUniqueViolation);

    const loaded = await prisma.deployment.findUniqueOrThrow({
      where: { id: second.id },
      include: { release: true, previousRelease: true, rollbackOf: true, environment: true, events: true, commands: true, effects: true },
    });
    expect(loaded.previousRelease?.version).toBe('1.0.0');
    expect(loaded.rollbackOf?.id).toBe(first.id);
    expect(loaded.events).toHaveLength(2);
    expect(loaded.commands.map((c) => c.id)).toContain(command.id);
    expect(loaded.effects[0]?.payload).toEqual({ replicas: 2 });

    // Version-guarded update, the way the worker commits a tick.
    const guarded = await prisma.deployment.updateMany({ where: { id: second.id, version: 0 }, data: { version: { increment: 1 }, phase: 'Paused' } });
    expect(guarded.count).toBe(1);
    expect((await prisma.deployment.updateMany({ where: { id: second.id, version: 0 }, data: { phase: 'Failed' } })).count).toBe(0);
    await prisma.deploymentEvent.update({ where: { seq: e1.seq }, data: { message: 'edited' } });
    await prisma.deploymentCommand.update({ where: { id: command.id }, data: { status: 'rejected' } });
    await prisma.deploymentEffect.update({ where: { id: effect.id }, data: { status: 'pending', doneAt: null } });

    // A release in use cannot go; deleting the rolled-back deployment clears rollbackOfId (SetNull).
    await expect(prisma.release.delete({ where: { id: v1.id } })).rejects.toThrow();
    await prisma.deploymentEvent.delete({ where: { seq: e2.seq } });
    await prisma.deployment.delete({ where: { id: first.id } });
    expect((await prisma.deployment.findUniqueOrThrow({ where: { id: second.id } })).rollbackOfId).toBeNull();
    await prisma.deployment.delete({ where: { id: second.id } });
    expect(await prisma.deploymentEvent.count({ where: { deploymentId: second.id } })).toBe(0);
    expect(await prisma.deploymentCommand.count({ where: { deploymentId: second.id } })).toBe(0);
    expect(await prisma.deploymentEffect.count({ where: { deploymentId: second.id } })).toBe(0);
    await prisma.application.delete({ where: { id: application.id } });
  });

  it('ApiToken and IdempotencyRecord', async () => {
    const token = await prisma.apiToken.create({
      data: cover('ApiToken', {
        name: 'ci',
        role: 'deployer',
        prefix: 'cut_abcdefgh',
        secretHash: randomBytes(32).toString('hex'),
        scopes: { apps: ['shop'], environments: ['production'] },
        createdBy: 'admin',
        lastUsedAt: at('2026-11-30T00:04:00.000Z'),
        revokedAt: at('2026-11-30T00:05:00.000Z'),
      }),
    });
    await expect(prisma.apiToken.create({ data: { name: 'x', role: 'viewer', prefix: 'p', secretHash: token.secretHash, createdBy: 'a' } })).rejects.toSatisfy(isUniqueViolation);
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { secretHash: token.secretHash } })).scopes).toEqual({ apps: ['shop'], environments: ['production'] });
    expect((await prisma.apiToken.update({ where: { id: token.id }, data: { revokedAt: null } })).revokedAt).toBeNull();
    await prisma.apiToken.delete({ where: { id: token.id } });

    const scope = `token-${run}`;
    const record = await prisma.idempotencyRecord.create({
      data: cover('IdempotencyRecord', { scope, key: 'k1', requestHash: 'h', status: 201, response: { id: 'x', list: [1, 2] } }),
    });
    await expect(prisma.idempotencyRecord.create({ data: { scope, key: 'k1', requestHash: 'h2', status: 200, response: {} } })).rejects.toSatisfy(isUniqueViolation);
    expect((await prisma.idempotencyRecord.findUniqueOrThrow({ where: { scope_key: { scope, key: 'k1' } } })).response).toEqual({ id: 'x', list: [1, 2] });
    await prisma.idempotencyRecord.update({ where: { id: record.id }, data: { status: 200 } });
    await prisma.idempotencyRecord.delete({ where: { id: record.id } });
  });

  it('NotificationChannel, NotificationDelivery, NotificationCursor, ChatIdentity', async () => {
    const channel = await prisma.notificationChannel.create({
      data: cover('NotificationChannel', {
        name: `ch-${run}`,
        kind: 'webhook',
        url: Buffer.from([1, 2, 3]),
        urlOrigin: 'https://hooks.example.com',
        secret: Buffer.from([4, 5]),
        filters: { apps: ['shop'], events: ['failed'] },
        enabled: false,
        disabledAt: at('2026-11-30T00:06:00.000Z'),
        disabledReason: 'too many failures',
        consecutiveFailures: 5,
        createdBy: 'admin',
      }),
    });
    await expect(prisma.notificationChannel.create({ data: { name: channel.name, kind: 'slack', url: Buffer.from([1]), urlOrigin: 'x', createdBy: 'a' } })).rejects.toSatisfy(isUniqueViolation);
    const delivery = await prisma.notificationDelivery.create({
      data: cover('NotificationDelivery', {
        channelId: channel.id,
        eventId: 'evt-1',
        eventType: 'failed',
        deploymentId: randomUUID(),
        payload: { id: 'evt-1', type: 'failed' },
        status: 'delivered',
        attempts: 2,
        lastError: 'receiver answered 500',
        lastStatusCode: 204,
        latencyMs: 12,
        lastAttemptAt: at('2026-11-30T00:07:00.000Z'),
        deliveredAt: at('2026-11-30T00:07:00.001Z'),
      }),
    });
    await expect(prisma.notificationDelivery.create({ data: { channelId: channel.id, eventId: 'evt-1', eventType: 'failed', payload: {} } })).rejects.toSatisfy(isUniqueViolation);
    expect((await prisma.notificationDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).payload).toEqual({ id: 'evt-1', type: 'failed' });
    await prisma.notificationChannel.delete({ where: { id: channel.id } });
    expect(await prisma.notificationDelivery.count({ where: { channelId: channel.id } })).toBe(0);

    const cursor = await prisma.notificationCursor.create({ data: cover('NotificationCursor', { name: `cursor-${run}`, position: 9_007_199_254_740_993n }) });
    expect((await prisma.notificationCursor.findUniqueOrThrow({ where: { name: cursor.name } })).position).toBe(9_007_199_254_740_993n);
    await prisma.notificationCursor.delete({ where: { name: cursor.name } });

    const identity = await prisma.chatIdentity.create({
      data: cover('ChatIdentity', { provider: 'slack', teamId: `T${run}`, userId: 'U1', role: 'deployer', scopes: { apps: ['shop'] }, createdBy: 'admin' }),
    });
    await expect(prisma.chatIdentity.create({ data: { provider: 'slack', teamId: `T${run}`, userId: 'U1', role: 'viewer', createdBy: 'a' } })).rejects.toSatisfy(isUniqueViolation);
    await prisma.chatIdentity.update({ where: { id: identity.id }, data: { role: 'admin' } });
    await prisma.chatIdentity.delete({ where: { id: identity.id } });
  });

  it('AuditEntry: create and read every field; update and delete are refused by the database', async () => {
    // Its own database: a hand-made row is not a valid chain link, and the run's chain must stay verifiable.
    const scratch = await createScratchDatabase();
    const prisma = createPrismaClient({ databaseUrl: scratch.url, poolSize: 2 });
    onTestFinished(async () => {
      await prisma.$disconnect();
      await scratch.drop();
    });
    const hash = randomBytes(32).toString('hex');
    const entry = await prisma.auditEntry.create({
      data: cover('AuditEntry', {
        at: at('2026-11-30T00:06:00.456Z'),
        actorTokenId: randomUUID(),
        actorName: 'alice',
        action: 'schema.test',
        resourceType: 'test',
        resourceId: 'r',
        app: 'shop',
        environment: 'prod',
        version: '1.0.0',
        cluster: 'eu-1',
        requestId: 'req',
        interface: 'rest',
        clientAddress: '127.0.0.1',
        inputDigest: 'i'.repeat(64),
        outcome: 'success',
        statusCode: 200,
        reason: 'because',
        prevHash: '0'.repeat(64),
        hash,
        sealedAt: at('2026-11-30T00:06:01.000Z'),
      }),
    });
    expect(typeof entry.seq).toBe('bigint');
    expect((await prisma.auditEntry.findUniqueOrThrow({ where: { hash } })).at.toISOString()).toBe('2026-11-30T00:06:00.456Z');
    await expect(prisma.auditEntry.create({ data: { ...entry, seq: undefined } })).rejects.toSatisfy(isUniqueViolation);
    await expect(prisma.auditEntry.update({ where: { seq: entry.seq }, data: { reason: 'x' } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEntry.delete({ where: { seq: entry.seq } })).rejects.toThrow(/append-only/);
  });

  it('DashboardSession: create, unique secret hash, cascade from its token', async () => {
    const token = await prisma.apiToken.create({ data: { name: 'ui', role: 'viewer', prefix: 'p', secretHash: `s-${run}-${randomUUID()}`, createdBy: 'a' } });
    const session = await prisma.dashboardSession.create({
      data: cover('DashboardSession', {
        tokenId: token.id,
        secretHash: `h-${run}-${randomUUID()}`,
        userAgent: 'Mozilla/5.0',
        expiresAt: at('2026-12-07T12:00:00.123Z'),
        revokedAt: at('2026-12-07T10:00:00.000Z'),
      }),
    });
    expect((await prisma.dashboardSession.findUniqueOrThrow({ where: { id: session.id } })).expiresAt.toISOString()).toBe('2026-12-07T12:00:00.123Z');
    await expect(prisma.dashboardSession.create({ data: { tokenId: token.id, secretHash: session.secretHash, expiresAt: new Date() } })).rejects.toSatisfy(isUniqueViolation);
    await prisma.apiToken.delete({ where: { id: token.id } });
    expect(await prisma.dashboardSession.count({ where: { id: session.id } })).toBe(0);
  });

  it('AnalysisTemplate and AnalysisMeasurement', async () => {
    const { application, environment, v1 } = await graph();
    const template = await prisma.analysisTemplate.create({
      data: cover('AnalysisTemplate', {
        applicationId: application.id,
        name: 'error-rate',
        version: 1,
        spec: { args: [{ name: 'service', value: null }], metrics: [] },
        digest: 'sha256:x',
        credentialsKind: 'bearer',
        credentials: Buffer.from([9, 8, 7]),
        createdBy: 'alice',
      }),
    });
    expect(Buffer.from((await prisma.analysisTemplate.findUniqueOrThrow({ where: { id: template.id } })).credentials!)).toEqual(Buffer.from([9, 8, 7]));
    await expect(prisma.analysisTemplate.create({ data: { applicationId: application.id, name: 'error-rate', version: 1, spec: {}, digest: 'y', createdBy: 'bob' } })).rejects.toSatisfy(isUniqueViolation);
    const deployment = await prisma.deployment.create({
      data: { environmentId: environment.id, releaseId: v1.id, strategy: { type: 'Recreate' }, phase: 'Progressing', createdBy: 'alice' },
    });
    const m = await prisma.analysisMeasurement.create({
      data: cover('AnalysisMeasurement', {
        deploymentId: deployment.id,
        runId: 'step2-1',
        stage: 'step',
        metric: 'errors',
        provider: 'prometheus',
        phase: 'Successful',
        value: '[0.01]',
        message: 'ok',
        query: 'up',
        scheduledAt: at('2026-12-07T00:00:00.001Z'),
        measuredAt: at('2026-12-07T00:00:00.042Z'),
      }),
    });
    expect(typeof m.id).toBe('bigint');
    expect((await prisma.analysisMeasurement.findUniqueOrThrow({ where: { id: m.id } })).measuredAt.toISOString()).toBe('2026-12-07T00:00:00.042Z');
    await prisma.deployment.delete({ where: { id: deployment.id } });
    expect(await prisma.analysisMeasurement.count({ where: { id: m.id } })).toBe(0);
    await prisma.application.delete({ where: { id: application.id } }).catch(() => undefined);
  });

  it('FreezeWindow (recurring and absolute, unique name) and DeploymentApproval (cascade from its deployment)', async () => {
    const recurring = await prisma.freezeWindow.create({
      data: cover('FreezeWindow', {
        name: `fw-${run}`,
        apps: ['shop'],
        environments: ['prod'],
        cron: '0 18 * * 5',
        durationSeconds: 223_200,
        timeZone: 'Europe/Berlin',
        reason: 'weekend',
        overrideRoles: ['deployer'],
        createdBy: 'admin',
      }),
    });
    expect(recurring).toMatchObject({ apps: ['shop'], overrideRoles: ['deployer'], startsAt: null });
    const absolute = await prisma.freezeWindow.create({
      data: cover('FreezeWindow', { name: `fw-abs-${run}`, startsAt: at('2026-12-24T00:00:00.123Z'), endsAt: at('2026-12-27T00:00:00.000Z'), reason: 'xmas', createdBy: 'admin' }),
    });
    expect(absolute).toMatchObject({ apps: [], environments: [], overrideRoles: [], cron: null });
    expect(absolute.startsAt?.toISOString()).toBe('2026-12-24T00:00:00.123Z');
    await expect(prisma.freezeWindow.create({ data: { name: recurring.name, reason: 'x', createdBy: 'a' } })).rejects.toSatisfy(isUniqueViolation);
    await prisma.freezeWindow.deleteMany({ where: { id: { in: [recurring.id, absolute.id] } } });

    const { environment, v1 } = await graph();
    const d = await prisma.deployment.create({ data: { environmentId: environment.id, releaseId: v1.id, strategy: {}, phase: 'Paused', createdBy: 'alice' } });
    const approval = await prisma.deploymentApproval.create({
      data: cover('DeploymentApproval', {
        deploymentId: d.id,
        step: 'awaitPromotion',
        releaseDigest: 'sha256:abc',
        approver: 'bob',
        approverRole: 'deployer',
        approverTokenId: randomUUID(),
        interface: 'rest',
        reason: 'looks good',
      }),
    });
    expect((await prisma.deploymentApproval.findMany({ where: { deploymentId: d.id } })).map((a) => a.id)).toEqual([approval.id]);
    await prisma.deployment.delete({ where: { id: d.id } });
    expect(await prisma.deploymentApproval.count({ where: { id: approval.id } })).toBe(0);
  });

  it('WaveRun, and Deployment.waveRunId (set null when the run is deleted)', async () => {
    const { environment, v1, application } = await graph();
    const waveRun = await prisma.waveRun.create({
      data: cover('WaveRun', {
        applicationId: application.id,
        releaseId: v1.id,
        phase: 'Paused',
        pauseReason: 'UserPaused',
        state: { phase: 'Paused', waves: [{ name: 'first' }] },
        version: 3,
        reason: 'weekly',
        createdBy: 'alice',
        createdByTokenId: randomUUID(),
        finishedAt: at('2026-12-07T00:00:00.000Z'),
      }),
    });
    expect(waveRun).toMatchObject({ phase: 'Paused', version: 3, state: { waves: [{ name: 'first' }] } });
    const d = await prisma.deployment.create({
      data: cover('Deployment', { environmentId: environment.id, releaseId: v1.id, strategy: {}, phase: 'Pending', createdBy: 'alice', waveRunId: waveRun.id }),
    });
    expect((await prisma.deployment.findMany({ where: { waveRunId: waveRun.id } })).map((x) => x.id)).toEqual([d.id]);
    await prisma.waveRun.delete({ where: { id: waveRun.id } });
    expect((await prisma.deployment.findUniqueOrThrow({ where: { id: d.id } })).waveRunId).toBeNull();
  });

  it('wrote every scalar field of every model', () => {
    for (const model of readPrismaSchema()) {
      const missing = model.fields.filter((field) => field.scalar && !AUTO.has(field.name) && !written.get(model.name)?.has(field.name));
      expect(missing.map((field) => `${model.name}.${field.name}`)).toEqual([]);
    }
  });
});

function envData(environment: { applicationId: string; clusterId: string }) {
  return { applicationId: environment.applicationId, clusterId: environment.clusterId, namespace: 'n', replicas: 1, strategy: {} };
}
