import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismaClient } from '@cutover/persistence';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';
import { as, DeploymentStates, seedApp, type Scenario } from '../../../test/deployments.testing';

type Cmd = 'promote' | 'promoteFull' | 'pause' | 'resume' | 'abort' | 'rollback' | 'retry';
const commands: Cmd[] = ['promote', 'promoteFull', 'pause', 'resume', 'abort', 'rollback', 'retry'];

// Written from the rules, not from canApply, so the api is checked against the spec rather than itself.
// A canary deployment with a previous release; `-` = not sent here (covered by the rollback test).
const table: Array<[string, Scenario, Record<Cmd, 202 | 409 | '-'>]> = [
  ['Pending', { phase: 'Pending', rollout: 'none' }, { promote: 409, promoteFull: 409, pause: 409, resume: 409, abort: 202, rollback: 202, retry: 409 }],
  ['Progressing', { phase: 'Progressing' }, { promote: 409, promoteFull: 202, pause: 202, resume: 409, abort: 202, rollback: 202, retry: 409 }],
  ['Paused (PauseStep)', { phase: 'Paused', pauseReason: 'PauseStep' }, { promote: 202, promoteFull: 202, pause: 409, resume: 409, abort: 202, rollback: 202, retry: 409 }],
  ['Paused (UserPaused)', { phase: 'Paused', pauseReason: 'UserPaused' }, { promote: 409, promoteFull: 409, pause: 409, resume: 202, abort: 202, rollback: 202, retry: 409 }],
  ['Paused (Inconclusive)', { phase: 'Paused', pauseReason: 'Inconclusive' }, { promote: 202, promoteFull: 202, pause: 409, resume: 409, abort: 202, rollback: 202, retry: 202 }],
  ['Paused (AwaitingPromotion) on a canary', { phase: 'Paused', pauseReason: 'AwaitingPromotion' }, { promote: 409, promoteFull: 409, pause: 409, resume: 409, abort: 202, rollback: 202, retry: 409 }],
  ['Succeeded', { phase: 'Succeeded' }, { promote: 409, promoteFull: 409, pause: 409, resume: 409, abort: 409, rollback: '-', retry: 409 }],
  ['Failed', { phase: 'Failed' }, { promote: 409, promoteFull: 409, pause: 409, resume: 409, abort: 409, rollback: 409, retry: 202 }],
  ['RollingBack', { phase: 'RollingBack' }, { promote: 409, promoteFull: 409, pause: 409, resume: 409, abort: 409, rollback: 409, retry: 409 }],
  ['RolledBack', { phase: 'RolledBack' }, { promote: 409, promoteFull: 409, pause: 409, resume: 409, abort: 409, rollback: 409, retry: 202 }],
  ['Aborted', { phase: 'Aborted' }, { promote: 409, promoteFull: 409, pause: 409, resume: 409, abort: 409, rollback: 409, retry: 202 }],
  ['Superseded', { phase: 'Superseded' }, { promote: 409, promoteFull: 409, pause: 409, resume: 409, abort: 409, rollback: 409, retry: 409 }],
];

describe('deployment commands (promote, pause, resume, abort, rollback, retry)', () => {
  let api: TestApi;
  let db: PrismaClient;
  let states: DeploymentStates;
  let admin: string;
  let deployer: string;
  let outsider: string;

  const send = (token: string, id: string, cmd: Cmd, headers: Record<string, string> = {}, reason = `test ${cmd}`) => {
    const path = cmd === 'promoteFull' ? 'promote' : cmd;
    const body = cmd === 'promoteFull' ? { full: true, reason } : { reason };
    return request(api.server).post(`/v1/deployments/${id}/${path}`).set(as(token)).set(headers).send(body);
  };
  const create = (env: string, release: string) =>
    request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'cshop', environment: env, release }).expect(202);

  /** A deployment of 1.0.1 after a succeeded 1.0.0, so it has a previous release. */
  async function deploymentWithPrevious(env: string): Promise<string> {
    const first = await create(env, '1.0.0');
    await states.set(first.body.id, { phase: 'Succeeded' });
    const second = await create(env, '1.0.1');
    expect(second.body.previousRelease).toBe('1.0.0');
    return second.body.id as string;
  }

  beforeAll(async () => {
    api = await startTestApi();
    db = createTestPrisma();
    states = new DeploymentStates(api);
    admin = await api.token('admin');
    deployer = await api.token('deployer', { apps: ['cshop'] });
    outsider = await api.token('deployer', { apps: ['elsewhere'] });
    await seedApp(api, db, admin, 'cshop', ['table', 'race', 'etag', 'rb', 'retry']);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.close();
  });

  it('allows each command exactly in the phases the rules allow it, and refuses it (409 naming the phase) elsewhere', async () => {
    const id = await deploymentWithPrevious('table');
    let accepted = 0;
    let refused = 0;
    for (const [label, scenario, expected] of table) {
      for (const cmd of commands) {
        const want = expected[cmd];
        if (want === '-') continue;
        await states.set(id, scenario);
        const res = await send(deployer, id, cmd);
        expect({ label, cmd, status: res.status }).toEqual({ label, cmd, status: want });
        if (want === 202) {
          accepted += 1;
          expect(res.body.command).toMatchObject({ type: cmd === 'promoteFull' ? 'promote' : cmd, status: 'pending', reason: `test ${cmd}` });
          expect(res.body.command.payload).toEqual(cmd.startsWith('promote') ? { full: cmd === 'promoteFull' } : {});
          expect(res.body.commandId).toBe(res.body.command.id);
        } else {
          refused += 1;
          expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
          expect(res.body).toMatchObject({ code: 'CONFLICT', status: 409, details: { phase: scenario.phase, command: cmd === 'promoteFull' ? 'promote' : cmd } });
          expect(res.body.detail).toContain(`the deployment is ${scenario.phase}`);
        }
      }
    }
    expect(await db.deploymentCommand.count({ where: { deploymentId: id } })).toBe(accepted);
    const audits = await db.auditEntry.groupBy({ by: ['outcome'], where: { resourceId: id, action: { in: commands.map((c) => `deployment.${c === 'promoteFull' ? 'promote' : c}`) } }, _count: true });
    expect(Object.fromEntries(audits.map((a) => [a.outcome, a._count]))).toEqual({ success: accepted, denied: refused });
    const successes = await db.auditEntry.findMany({ where: { resourceId: id, outcome: 'success', action: 'deployment.pause' } });
    expect(successes[0]).toMatchObject({ reason: 'test pause', actorName: expect.stringMatching(/^test-deployer/) });

    await send(outsider, id, 'abort').expect(403);
    expect(await db.auditEntry.count({ where: { resourceId: id, action: 'deployment.abort', outcome: 'denied', statusCode: 403 } })).toBe(1);
    await send(deployer, '00000000-0000-4000-8000-000000000000', 'abort').expect(404);
    const extra = await request(api.server).post(`/v1/deployments/${id}/pause`).set(as(deployer)).send({ full: true }).expect(422);
    expect(extra.body.errors[0]).toMatchObject({ path: 'full', rule: 'unknownProperty' });
  });

  it('20 concurrent promotes of one paused step: exactly one accepted, 19 refused (409) and audited', async () => {
    const id = await deploymentWithPrevious('race');
    await states.set(id, { phase: 'Paused', pauseReason: 'PauseStep' });
    const since = new Date();
    const results = await Promise.all(Array.from({ length: 20 }, () => send(deployer, id, 'promote')));
    const ok = results.filter((r) => r.status === 202);
    const conflicts = results.filter((r) => r.status === 409);
    expect(ok.length).toBe(1);
    expect(conflicts.length).toBe(19);
    for (const r of conflicts) expect(r.body.details).toMatchObject({ pendingCommandId: ok[0]!.body.commandId, phase: 'Paused' });
    expect(await db.deploymentCommand.findMany({ where: { deploymentId: id } })).toEqual([expect.objectContaining({ type: 'promote', status: 'pending' })]);
    const audits = await db.auditEntry.groupBy({ by: ['outcome'], where: { resourceId: id, action: 'deployment.promote', at: { gte: since } }, _count: true });
    expect(Object.fromEntries(audits.map((a) => [a.outcome, a._count]))).toEqual({ success: 1, denied: 19 });
    // The audit chain stays whole under the concurrent appends.
    const verified = await request(api.server).get('/v1/audit/verify').set(as(admin));
    if (verified.status === 200) expect(verified.body).toMatchObject({ ok: true });
  });

  it('refuses a stale If-Match with 412 and accepts the current ETag', async () => {
    const id = await deploymentWithPrevious('etag');
    await states.set(id, { phase: 'Progressing' });
    const read = await request(api.server).get(`/v1/deployments/${id}`).set(as(deployer)).expect(200);
    const etag = read.headers.etag as string;
    expect(etag).toMatch(/^W\/"\d+-\d+"$/);
    await states.set(id, { phase: 'Progressing' });
    const stale = await send(deployer, id, 'pause', { 'If-Match': etag }).expect(412);
    expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412 });
    expect(stale.body.details.etag).not.toBe(etag);
    expect(await db.deploymentCommand.count({ where: { deploymentId: id } })).toBe(0);
    expect(await db.auditEntry.count({ where: { resourceId: id, action: 'deployment.pause', outcome: 'denied', statusCode: 412 } })).toBe(1);
    const fresh = await request(api.server).get(`/v1/deployments/${id}`).set(as(deployer)).expect(200);
    await send(deployer, id, 'pause', { 'If-Match': fresh.headers.etag as string }).expect(202);
    await send(deployer, id, 'abort', { 'If-Match': '*' }).expect(202);
  });

  it('rolls back: an active one by command, the latest succeeded one by a new deployment, anything else 409', async () => {
    const d0 = (await create('rb', '1.0.0')).body.id as string;
    await states.set(d0, { phase: 'Succeeded' });
    const first = await send(deployer, d0, 'rollback').expect(409);
    expect(first.body.detail).toMatch(/no release served before it/);

    const d1 = (await create('rb', '1.0.1')).body.id as string;
    await states.set(d1, { phase: 'Succeeded' });
    const notLatest = await send(deployer, d0, 'rollback').expect(409);
    expect(notLatest.body.details).toMatchObject({ latestSucceededId: d1 });

    const d2 = (await create('rb', '1.0.2')).body.id as string;
    await states.set(d2, { phase: 'Failed' });
    const failed = await send(deployer, d2, 'rollback').expect(409);
    expect(failed.body.details).toMatchObject({ phase: 'Failed' });

    const rb = await send(deployer, d1, 'rollback', {}, 'bad release').expect(202);
    expect(rb.body).toMatchObject({ commandId: null, command: null });
    expect(rb.body.deployment).toMatchObject({ kind: 'rollback', rollbackOf: d1, release: '1.0.0', previousRelease: '1.0.1', phase: 'Pending', active: true, reason: 'bad release' });
    const newId = rb.body.deployment.id as string;
    const state = await states.state(newId);
    expect(state.ctx).toMatchObject({ kind: 'rollback', release: '1.0.0', previousRelease: '1.0.1' });
    expect(await db.auditEntry.findMany({ where: { action: 'deployment.rollback', resourceId: d1 } })).toEqual([expect.objectContaining({ outcome: 'success', reason: 'bad release' })]);
    expect(await db.auditEntry.count({ where: { action: 'deployment.create', resourceId: newId } })).toBe(1);
    const old = await request(api.server).get(`/v1/deployments/${d1}`).set(as(deployer)).expect(200);
    expect(old.body.events.at(-1)).toMatchObject({ type: 'RollbackRequested', data: { rollbackDeploymentId: newId } });

    const again = await send(deployer, d1, 'rollback').expect(409);
    expect(again.body.details).toMatchObject({ activeDeploymentId: newId });
    const retry = await send(deployer, d2, 'retry').expect(409);
    expect(retry.body.details).toMatchObject({ activeDeploymentId: newId });

    const cmd = await send(deployer, newId, 'rollback').expect(202);
    expect(cmd.body.command).toMatchObject({ type: 'rollback', status: 'pending' });
    expect(cmd.body.deployment.id).toBe(newId);
  });

  it('a pending retry of an ended deployment blocks a new one (409 naming it) until superseded', async () => {
    const failed = (await create('retry', '1.0.0')).body.id as string;
    await states.set(failed, { phase: 'Failed' });
    const retry = await send(deployer, failed, 'retry').expect(202);
    const blocked = await request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'cshop', environment: 'retry', release: '1.0.1' }).expect(409);
    expect(blocked.body.details).toMatchObject({ activeDeploymentId: failed, activePhase: 'Failed' });
    expect(blocked.body.detail).toMatch(/retry waiting/);

    const next = await request(api.server).post('/v1/deployments').set(as(deployer)).send({ app: 'cshop', environment: 'retry', release: '1.0.1', supersede: true }).expect(202);
    const old = await request(api.server).get(`/v1/deployments/${failed}`).set(as(deployer)).expect(200);
    expect(old.body.phase).toBe('Failed');
    expect(old.body.commands).toEqual([expect.objectContaining({ id: retry.body.commandId, status: 'rejected', result: `superseded by ${next.body.id}` })]);
    expect(old.body.events.at(-1)).toMatchObject({ type: 'RetryCancelled' });
  });
});
