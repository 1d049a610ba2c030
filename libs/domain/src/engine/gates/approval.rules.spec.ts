import { describe, expect, it } from 'vitest';
import type { ApprovalPolicy, ApprovalRecordView } from '../../model/deployment/approval.types';
import { approvalGateSteps, approvalStatus, approverAllowed, parseApprovalPolicy } from './approval.rules';

const policy: ApprovalPolicy = { required: 2, from: ['deployer'], expiresAfterSeconds: 3600, excludeDeployer: true, on: 'final' };
const facts = { deployer: 'alice', releaseDigest: 'd1', now: 10_000_000 };
const approval = (approver: string, over: Partial<ApprovalRecordView> = {}): ApprovalRecordView => ({
  id: approver,
  approver,
  approverRole: 'deployer',
  step: 'awaitPromotion',
  releaseDigest: 'd1',
  at: 9_000_000,
  reason: null,
  ...over,
});
const holders = { viewer: 5, deployer: 5, admin: 1 };

describe('approvalStatus', () => {
  it('waits for the second distinct approver; the deployer’s own approval does not count', () => {
    const one = approvalStatus(policy, 'awaitPromotion', [approval('alice'), approval('bob'), approval('bob')], facts);
    expect(one).toMatchObject({ satisfied: false, counted: ['bob'], needed: '1 more approval from deployer or admin (not alice, bob)' });
    expect(one.ignored).toEqual([
      { id: 'alice', approver: 'alice', why: 'the deployer cannot approve their own deployment' },
      { id: 'bob', approver: 'bob', why: 'already counted' },
    ]);
    expect(approvalStatus(policy, 'awaitPromotion', [approval('alice'), approval('bob'), approval('carol')], facts).satisfied).toBe(true);
  });

  it('voids approvals of another step, another release, expired ones and those from outside `from`', () => {
    const s = approvalStatus(
      policy,
      'awaitPromotion',
      [approval('b', { step: 'step-2' }), approval('c', { releaseDigest: 'd0' }), approval('d', { at: 0 }), approval('e', { approverRole: 'viewer' })],
      facts,
    );
    expect(s.counted).toEqual([]);
    expect(s.ignored.map((i) => i.why)).toEqual(['expired', 'given for step step-2', 'given for another release', 'not one of deployer or admin']);
  });

  it('admits named tokens and chat users', () => {
    expect(approverAllowed(['token:release-bot'], 'release-bot', 'viewer')).toBe(true);
    expect(approverAllowed(['slack:T1/U1'], 'slack:T1/U1', 'viewer')).toBe(true);
    expect(approverAllowed(['admin'], 'x', 'deployer')).toBe(false);
  });
});

describe('approvalGateSteps', () => {
  const steps = [
    { id: 'step-1', wait: { type: 'ready' as const } },
    { id: 'step-2', wait: { type: 'promote' as const, autoAfterSeconds: null } },
    { id: 'step-4', wait: { type: 'promote' as const, autoAfterSeconds: 30 } },
  ];
  it.each([
    ['first-shift', ['step-2']],
    ['final', ['step-4']],
    ['both', ['step-2', 'step-4']],
  ] as const)('%s → %j', (on, expected) => {
    expect(approvalGateSteps(steps, { ...policy, on })).toEqual(expected);
  });
  it('no promotion point: the start; no policy: none', () => {
    expect(approvalGateSteps([{ id: 'rolling', wait: { type: 'ready' } }], policy)).toEqual(['start']);
    expect(approvalGateSteps(steps, null)).toEqual([]);
  });
});

describe('parseApprovalPolicy', () => {
  it('fills defaults: from deployer, final, excludeDeployer on for protected environments', () => {
    expect(parseApprovalPolicy({ required: 1 }, { holdersByRole: holders, protectedEnvironment: true })).toEqual({
      ok: true,
      value: { required: 1, from: ['deployer'], expiresAfterSeconds: null, excludeDeployer: true, on: 'final' },
    });
    const open = parseApprovalPolicy({ required: 1 }, { holdersByRole: holders, protectedEnvironment: false });
    expect(open.ok && open.value.excludeDeployer).toBe(false);
  });

  it('refuses more approvers than can exist, naming approvals.required', () => {
    const r = parseApprovalPolicy({ required: 3, from: ['token:a', 'slack:T1/U1'] }, { holdersByRole: holders, protectedEnvironment: false });
    expect(r).toEqual({ ok: false, errors: [expect.objectContaining({ path: 'approvals.required', rule: 'possible' })] });
    const admins = parseApprovalPolicy({ required: 2, from: ['admin'] }, { holdersByRole: holders, protectedEnvironment: false });
    expect(admins.ok).toBe(false);
  });

  it('names each bad field', () => {
    const r = parseApprovalPolicy({ required: 0, from: ['root'], expiresAfterSeconds: 5, excludeDeployer: 'yes', on: 'sometimes' }, { holdersByRole: holders, protectedEnvironment: false });
    expect(r.ok === false && r.errors.map((e) => e.path)).toEqual(['approvals.required', 'approvals.from[0]', 'approvals.expiresAfter', 'approvals.excludeDeployer', 'approvals.on']);
  });
});
