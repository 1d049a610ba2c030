import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismaClient } from '@cutover/persistence';
import { createTestPrisma } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../../test/test-api';
import { as, DeploymentStates, seedApp } from '../../../test/deployments.testing';
import { slackSignatureHeaders } from './slack-signature.rules';

const SIGNING_SECRET = `slack-signing-${randomUUID()}`;

interface Posted {
  body: Record<string, any>;
  at: number;
}

describe('ChatOps over Slack: signed slash commands and buttons', () => {
  let api: TestApi;
  let db: PrismaClient;
  let states: DeploymentStates;
  let admin: string;
  let receiver: Server;
  let responseUrl: string;
  const posted = new Map<string, Posted[]>();
  const tag = randomUUID().slice(0, 6);
  const app = `chat${tag}`;
  const team = 'T0CHAT01';
  let seq = 0;

  /** A Slack slash command, signed like Slack signs it; each gets its own response_url path. */
  function slash(user: string, text: string, opts: { secret?: string; at?: number; userName?: string } = {}) {
    seq += 1;
    const reply = `/r${seq}`;
    const body = new URLSearchParams({ token: 'unused', team_id: team, user_id: user, user_name: opts.userName ?? 'someone', command: '/cutover', text, response_url: `${responseUrl}${reply}`, trigger_id: 'x' }).toString();
    const headers = slackSignatureHeaders(opts.secret ?? SIGNING_SECRET, body, opts.at ?? Date.now() / 1000);
    return { reply, body, headers, send: () => request(api.server).post('/v1/chatops/slack/commands').set('content-type', 'application/x-www-form-urlencoded').set(headers).send(body) };
  }

  function press(user: string, actionId: string, value: string) {
    seq += 1;
    const reply = `/r${seq}`;
    const payload = { type: 'block_actions', user: { id: user, username: 'someone', team_id: team }, team: { id: team }, actions: [{ action_id: actionId, value }], response_url: `${responseUrl}${reply}` };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const headers = slackSignatureHeaders(SIGNING_SECRET, body, Date.now() / 1000);
    return { reply, send: () => request(api.server).post('/v1/chatops/slack/interactions').set('content-type', 'application/x-www-form-urlencoded').set(headers).send(body) };
  }

  async function answer(reply: string): Promise<Record<string, any>> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const got = posted.get(reply);
      if (got?.length) return got[0]!.body;
      if (Date.now() > deadline) throw new Error(`nothing was posted to response_url ${reply}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function link(user: string, role: string, scopes: Record<string, string[]> = {}) {
    const res = await request(api.server).post('/v1/chat-identities').set(as(admin)).send({ provider: 'slack', teamId: team, userId: user, role, ...scopes });
    expect([200, 201]).toContain(res.status);
    return res;
  }

  async function pausedDeployment(env: string, release: string): Promise<string> {
    const res = await request(api.server).post('/v1/deployments').set(as(admin)).send({ app, environment: env, release }).expect(202);
    await states.set(res.body.id, { phase: 'Paused', pauseReason: 'PauseStep' });
    return res.body.id as string;
  }

  const pending = (id: string) => db.deploymentCommand.findMany({ where: { deploymentId: id, status: 'pending' } });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        const list = posted.get(req.url ?? '') ?? [];
        list.push({ body: JSON.parse(data) as Record<string, any>, at: Date.now() });
        posted.set(req.url ?? '', list);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    responseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    api = await startTestApi({ env: { CUTOVER_SLACK_SIGNING_SECRET: SIGNING_SECRET } });
    db = createTestPrisma({ poolSize: 2 });
    states = new DeploymentStates(api);
    admin = await api.token('admin');
    await seedApp(api, db, admin, app, ['prod', 'staging', 'qa', 'dev']);
    await request(api.server).patch(`/v1/apps/${app}/environments/prod`).set(as(admin)).send({ protected: true }).expect(200);
    await link('U0LINKED', 'deployer', { apps: [app] });
    await link('U0OTHER1', 'deployer', { apps: [app] });
    await link('U0VIEWER', 'viewer');
  });

  afterAll(async () => {
    await api?.close();
    await db?.$disconnect();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  });

  it('a signed `promote <app> <env> --reason ok` from a linked user promotes, answers at once, and is audited as chat', async () => {
    const id = await pausedDeployment('staging', '1.0.1');
    const cmd = slash('U0LINKED', `promote ${app} staging --reason ok`, { userName: 'alice' });
    const started = Date.now();
    const res = await cmd.send();
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(res.body.text).toMatch(/^Working on/);
    const result = await answer(cmd.reply);
    expect(result).toMatchObject({ response_type: 'in_channel' });
    expect(result.text).toMatch(new RegExp(`promote queued for ${app}/staging.*: ok`));
    const [command] = await pending(id);
    expect(command).toMatchObject({ type: 'promote', actor: `slack:${team}/U0LINKED (alice)`, reason: 'ok', actorTokenId: null });
    const audit = await db.auditEntry.findFirst({ where: { action: 'deployment.promote', resourceId: id } });
    expect(audit).toMatchObject({ interface: 'chat', actorName: `slack:${team}/U0LINKED (alice)`, reason: 'ok', outcome: 'success' });
  });

  it('refuses an unlinked user, a bad signature, a stale timestamp and a replay — and nothing changes', async () => {
    const id = await pausedDeployment('qa', '1.0.1');
    const unlinked = await slash('U0NOBODY', `promote ${app} qa --reason ok`).send();
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.text).toMatch(/ask an admin to link you/);

    const forged = await slash('U0LINKED', `promote ${app} qa`, { secret: 'not-the-signing-secret' }).send();
    expect(forged.status).toBe(401);
    expect(forged.headers['content-type']).toMatch(/application\/problem\+json/);
    const stale = await slash('U0LINKED', `promote ${app} qa`, { at: Date.now() / 1000 - 6 * 60 }).send();
    expect(stale.status).toBe(401);
    expect(stale.body.detail).toMatch(/more than 5 minutes/);

    const once = slash('U0LINKED', `status ${app}`);
    expect((await once.send()).status).toBe(200);
    const replay = await once.send();
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toMatch(/replay/);

    const unknown = await slash('U0LINKED', `launch ${app} qa`).send();
    expect(unknown.body.text).toMatch(/unknown command/);
    expect(unknown.body.text).toMatch(/promote\|pause\|resume/);
    const malformed = await slash('U0LINKED', `promote ${app}`).send();
    expect(malformed.body.text).toMatch(/promote reads/);

    const viewer = slash('U0VIEWER', `promote ${app} qa --reason ok`);
    await viewer.send();
    expect((await answer(viewer.reply)).text).toMatch(/needs the deployer role/);

    expect(await pending(id)).toEqual([]);
    expect(await db.auditEntry.count({ where: { interface: 'chat', outcome: 'denied', reason: { contains: 'signature does not match' } } })).toBeGreaterThan(0);
    expect(await db.auditEntry.count({ where: { interface: 'chat', outcome: 'denied', actorName: { contains: 'U0NOBODY' } } })).toBe(1);
  });

  it('asks for a confirmation on a protected environment that only the requester can press, once', async () => {
    const id = await pausedDeployment('prod', '1.0.1');
    const cmd = slash('U0LINKED', `promote ${app} prod --reason ship it`);
    await cmd.send();
    const ask = await answer(cmd.reply);
    expect(ask.text).toMatch(/protected: confirm/);
    const buttons = ask.blocks[1].elements as Array<{ action_id: string; value: string }>;
    const confirm = buttons.find((b) => b.action_id === 'cutover-confirm')!;
    expect(await pending(id)).toEqual([]);

    const stranger = await press('U0OTHER1', 'cutover-confirm', confirm.value).send();
    expect(stranger.status).toBe(200);
    expect(stranger.body.text).toMatch(/Only the person who asked/);
    expect(await pending(id)).toEqual([]);

    const mine = press('U0LINKED', 'cutover-confirm', confirm.value);
    const pressed = await mine.send();
    expect(pressed.body).toMatchObject({ replace_original: true });
    expect((await answer(mine.reply)).text).toMatch(/promote queued/);
    expect(await pending(id)).toEqual([expect.objectContaining({ type: 'promote', reason: 'ship it' })]);

    const again = await press('U0LINKED', 'cutover-confirm', confirm.value).send();
    expect(again.body.text).toMatch(/expired/);
    expect(await pending(id)).toHaveLength(1);
  });

  it('deploys, shows status and history through the same services', async () => {
    const cmd = slash('U0LINKED', `deploy ${app} 1.0.2 to dev --reason from chat --strategy Recreate`);
    await cmd.send();
    expect((await answer(cmd.reply)).text).toMatch(new RegExp(`deploys ${app} 1.0.2 to dev: from chat`));
    const created = await db.deployment.findFirstOrThrow({ where: { environment: { name: 'dev', application: { name: app } } } });
    expect(created).toMatchObject({ createdBy: `slack:${team}/U0LINKED (someone)`, reason: 'from chat', createdByTokenId: null });
    expect(await db.auditEntry.count({ where: { action: 'deployment.create', resourceId: created.id, interface: 'chat', reason: 'from chat' } })).toBe(1);
    // qa has an active deployment from an earlier test: the same 409 rule as REST, named.
    const busy = slash('U0LINKED', `deploy ${app} 1.0.2 to qa`);
    await busy.send();
    expect((await answer(busy.reply)).text).toMatch(/is active in/);
    const status = slash('U0LINKED', `status ${app}`);
    await status.send();
    expect((await answer(status.reply)).text).toMatch(new RegExp(`\\*${app}\\*, latest per environment`));
    const history = slash('U0VIEWER', `history ${app} staging`);
    await history.send();
    expect((await answer(history.reply)).text).toMatch(/1\.0\.1/);
    const help = await slash('U0VIEWER', 'help').send();
    expect(help.body.text).toMatch(/`plan <app> <version> to <env>.*`approve <app> <env>/s);
  });

  it('plans (a dry-run: nothing created) and approves through the same services as REST, as the linked identity', async () => {
    await request(api.server).post(`/v1/apps/${app}/environments`).set(as(admin)).send({ name: 'gated', cluster: `${app}-cluster`, namespace: app, replicas: 2 }).expect(201);
    await request(api.server).patch(`/v1/apps/${app}/environments/gated`).set(as(admin)).send({ approvals: { required: 1, from: [`slack:${team}/U0OTHER1`] } }).expect(200);

    const before = await db.deployment.count();
    const plan = slash('U0LINKED', `plan ${app} 1.0.1 to gated`);
    expect((await plan.send()).status).toBe(200);
    const planned = await answer(plan.reply);
    expect(planned.response_type).toBe('ephemeral');
    expect(planned.text).toContain(`*Plan* ${app} (nothing) → 1.0.1 in gated: RollingUpdate (first deployment: straight to serving), 2 replicas`);
    expect(planned.text).toContain('Gates: approval (start)');
    expect(planned.text).toContain('nothing was created');
    expect(await db.deployment.count()).toBe(before);

    const created = await request(api.server).post('/v1/deployments').set(as(admin)).send({ app, environment: 'gated', release: '1.0.1' }).expect(202);
    const refused = slash('U0LINKED', `approve ${app} gated --reason lgtm`);
    await refused.send();
    expect((await answer(refused.reply)).text).toMatch(/^:x: .*may not approve here/);
    const approve = slash('U0OTHER1', `approve ${app} gated --reason lgtm`, { userName: 'bob' });
    await approve.send();
    const approved = await answer(approve.reply);
    expect(approved).toMatchObject({ response_type: 'in_channel' });
    expect(approved.text).toContain(`approved ${app}/gated (1.0.1) at start — 1 of 1: approved, it goes on: lgtm`);
    expect(await db.deploymentApproval.findMany({ where: { deploymentId: created.body.id } })).toEqual([
      expect.objectContaining({ approver: `slack:${team}/U0OTHER1`, interface: 'chat', step: 'start', reason: 'lgtm' }),
    ]);
    expect(await db.auditEntry.findFirst({ where: { action: 'deployment.approve', resourceId: created.body.id, outcome: 'success' } })).toMatchObject({ interface: 'chat', actorName: `slack:${team}/U0OTHER1 (bob)` });
  });

  it('links chat identities (admin only, validated)', async () => {
    const again = await link('U0LINKED', 'deployer', { apps: [app] });
    expect(again.status).toBe(200);
    const deployer = await api.token('deployer');
    expect((await request(api.server).post('/v1/chat-identities').set(as(deployer)).send({ provider: 'slack', teamId: team, userId: 'U0X', role: 'admin' })).status).toBe(403);
    const bad = await request(api.server).post('/v1/chat-identities').set(as(admin)).send({ provider: 'teams', teamId: 'lower', userId: 'U0X', role: 'root' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['provider', 'role', 'teamId']);
    const list = await request(api.server).get('/v1/chat-identities?limit=500').set(as(admin)).expect(200);
    expect(list.body.items.map((i: { userId: string }) => i.userId)).toEqual(expect.arrayContaining(['U0LINKED', 'U0VIEWER']));
  });
});

describe('ChatOps off', () => {
  it('answers 404 on the Slack routes when CUTOVER_SLACK_SIGNING_SECRET is unset', async () => {
    const api = await startTestApi({ adapter: 'express', env: { CUTOVER_SLACK_SIGNING_SECRET: '' } });
    try {
      const body = 'team_id=T1&user_id=U1&text=help';
      const res = await request(api.server).post('/v1/chatops/slack/commands').set('content-type', 'application/x-www-form-urlencoded').set(slackSignatureHeaders('whatever-secret', body, Date.now() / 1000)).send(body);
      expect(res.status).toBe(404);
      // Forms stay refused everywhere else.
      const elsewhere = await request(api.server).post('/v1/apps').set('authorization', `Bearer ${api.bootstrapToken}`).set('content-type', 'application/x-www-form-urlencoded').send('name=x');
      expect(elsewhere.status).toBe(415);
    } finally {
      await api.close();
    }
  });
});
