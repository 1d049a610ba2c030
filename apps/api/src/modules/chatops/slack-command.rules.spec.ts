import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChatCommand } from './slack-command.rules';
import { slackSignatureHeaders, verifySlackSignature } from './slack-signature.rules';

describe('parseChatCommand', () => {
  it.each([
    ['help', { verb: 'help' }],
    ['', { verb: 'help' }],
    ['deploy shop 1.4.0 to prod', { verb: 'deploy', app: 'shop', version: '1.4.0', environment: 'prod', reason: null }],
    ['deploy shop 1.4.0+b.7 to prod --strategy Recreate --reason hot fix for #12', { verb: 'deploy', app: 'shop', version: '1.4.0+b.7', environment: 'prod', strategy: 'Recreate', reason: 'hot fix for #12' }],
    ['deploy shop 2.0.0 to prod --reason "quoted reason" --strategy=Canary', { verb: 'deploy', app: 'shop', version: '2.0.0', environment: 'prod', strategy: 'Canary', reason: 'quoted reason' }],
    ['status shop', { verb: 'status', app: 'shop', environment: null }],
    ['status shop prod', { verb: 'status', app: 'shop', environment: 'prod' }],
    ['history shop prod', { verb: 'history', app: 'shop', environment: 'prod' }],
    ['promote shop prod --reason ok', { verb: 'promote', target: { app: 'shop', environment: 'prod' }, reason: 'ok', full: false }],
    ['PROMOTE shop prod --full', { verb: 'promote', target: { app: 'shop', environment: 'prod' }, reason: null, full: true }],
    ['abort 0B6E3F8A-1C2D-4E5F-8A9B-0C1D2E3F4A5B --reason broken', { verb: 'abort', target: { deploymentId: '0b6e3f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b' }, reason: 'broken', full: false }],
    ['rollback shop prod', { verb: 'rollback', target: { app: 'shop', environment: 'prod' }, reason: null, full: false }],
    ['plan shop 1.4.0 to prod', { verb: 'plan', app: 'shop', version: '1.4.0', environment: 'prod' }],
    ['plan shop 1.4.0 to prod --strategy BlueGreen', { verb: 'plan', app: 'shop', version: '1.4.0', environment: 'prod', strategy: 'BlueGreen' }],
    ['approve shop prod --reason dashboards look fine', { verb: 'approve', target: { app: 'shop', environment: 'prod' }, reason: 'dashboards look fine' }],
    ['approve 0B6E3F8A-1C2D-4E5F-8A9B-0C1D2E3F4A5B', { verb: 'approve', target: { deploymentId: '0b6e3f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b' }, reason: null }],
  ])('%s', (text, command) => {
    expect(parseChatCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['launch shop', /unknown command/],
    ['plan shop 1.0 prod', /plan reads/],
    ['plan shop 1.0 to prod --reason x', /unknown option --reason/],
    ['approve shop', /approve reads/],
    ['approve shop prod --full', /unknown option --full/],
    ['deploy shop 1.4.0 prod', /deploy reads/],
    ['deploy Shop 1.4.0 to prod', /app must be a name/],
    ['deploy shop ../../x to prod', /version must be/],
    ['promote shop', /promote reads/],
    ['pause shop prod --full', /unknown option --full/],
    ['promote shop prod --reason', /--reason needs a text/],
    ['status', /status reads/],
    ['history shop', /history reads/],
    ['help me', /help/],
    ['promote shop "prod', /quote/],
    ['promote shop prod\u0000', /control characters/],
    ['x'.repeat(3000), /too long/],
  ])('refuses %s', (text, problem) => {
    const parsed = parseChatCommand(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      const parsed = parseChatCommand(text);
      expect(typeof parsed.ok).toBe('boolean');
    }));
  });
});

describe('verifySlackSignature', () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const body = 'token=xyz&team_id=T1&user_id=U1&command=%2Fcutover&text=help';
  const now = 1_796_600_000;

  it('accepts Slack\'s own example (from its docs) and what our header helper makes', () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack: the documented secret, timestamp, body and signature.
    const docBody =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(verifySlackSignature(secret, '1531420618', 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503', docBody, 1531420618)).toEqual({ ok: true });
    const h = slackSignatureHeaders(secret, body, now);
    expect(verifySlackSignature(secret, h['x-slack-request-timestamp'], h['x-slack-signature'], body, now)).toEqual({ ok: true });
  });

  it('refuses a changed body, another secret, a stale or future timestamp, and malformed headers', () => {
    const h = slackSignatureHeaders(secret, body, now);
    const ts = h['x-slack-request-timestamp'];
    const sig = h['x-slack-signature'];
    expect(verifySlackSignature(secret, ts, sig, `${body}x`, now).ok).toBe(false);
    expect(verifySlackSignature('another-secret', ts, sig, body, now).ok).toBe(false);
    expect(verifySlackSignature(secret, ts, sig, body, now + 301)).toEqual({ ok: false, reason: 'the request timestamp is more than 5 minutes off' });
    expect(verifySlackSignature(secret, ts, sig, body, now - 301).ok).toBe(false);
    expect(verifySlackSignature(secret, ts, sig, body, now + 299).ok).toBe(true);
    expect(verifySlackSignature(secret, undefined, sig, body, now).ok).toBe(false);
    expect(verifySlackSignature(secret, ts, 'v1=' + 'a'.repeat(64), body, now).ok).toBe(false);
    expect(verifySlackSignature(secret, ts, `v0=${createHmac('sha256', secret).update(body).digest('hex')}`, body, now).ok).toBe(false);
  });
});
