import { describe, expect, it } from 'vitest';
import { command, context, drive, phases, seedPrevious } from '../../../test/drive.testing';
import { FakeCluster } from '../../../test/fake-cluster.testing';
import type { ApprovalPolicy, ApprovalRecordView } from '../../model/deployment/approval.types';
import type { DeploymentState } from '../../model/deployment/deployment.types';
import { canApply } from '../command.rules';

const policy: ApprovalPolicy = { required: 2, from: ['deployer'], expiresAfterSeconds: null, excludeDeployer: true, on: 'final' };
const ok = (approver: string, step: string, at = 0): ApprovalRecordView => ({ id: approver, approver, approverRole: 'deployer', step, releaseDigest: 'sha256:v2', at, reason: null });
const gated = { approvals: policy, releaseDigest: 'sha256:v2', deployer: 'alice' };

describe('approval gates in the tick', () => {
  it('blue/green waits in Paused(AwaitingApproval) at awaitPromotion; a promote is refused until the second distinct approver; then it goes on', () => {
    const ctx = context({ type: 'BlueGreen', autoPromotionEnabled: false }, gated);
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const held = drive(ctx, cluster, { maxTicks: 10 });
    expect(held.state).toMatchObject({ phase: 'Paused', pauseReason: 'AwaitingApproval', approvalGates: { waiting: { step: 'awaitPromotion', resume: 'AwaitingPromotion' } } });

    const facts = (approvals: ApprovalRecordView[]) => ({ approvals, now: held.now });
    const own = canApply(held.state, { type: 'promote' }, undefined, facts([ok('alice', 'awaitPromotion')]));
    expect(own).toEqual({ ok: false, reason: expect.stringContaining('2 more approvals from deployer or admin (not alice)') });
    const one = canApply(held.state, { type: 'promote' }, undefined, facts([ok('alice', 'awaitPromotion'), ok('bob', 'awaitPromotion')]));
    expect(one).toEqual({ ok: false, reason: expect.stringContaining('1 more approval') });
    const two = [ok('alice', 'awaitPromotion'), ok('bob', 'awaitPromotion'), ok('carol', 'awaitPromotion')];
    // Approved but not yet ticked: the promote is judged against the pause it goes back to.
    expect(canApply(held.state, { type: 'promote' }, undefined, facts(two))).toEqual({ ok: true });

    const after = drive(ctx, cluster, { start: held.state, maxTicks: 30, approvals: () => two, commands: (_s, i) => (i === 1 ? [command('promote')] : []) });
    expect(after.state.phase).toBe('Succeeded');
    const all = after.decisions.flatMap((d) => d.events);
    expect(all.find((e) => e.type === 'ApprovalsComplete')?.data).toEqual({ step: 'awaitPromotion', approvers: ['bob', 'carol'] });
    expect(phases(after)[0]).toBe('Paused(AwaitingPromotion)');
  });

  it('with auto-promotion, approval is all it waits for: it proceeds on its own', () => {
    const ctx = context({ type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 5 }, { ...gated, approvals: { ...policy, required: 1 } });
    const cluster = seedPrevious(new FakeCluster(), ctx);
    let approvals: ApprovalRecordView[] = [];
    const r = drive(ctx, cluster, {
      maxTicks: 60,
      approvals: (s: DeploymentState, i) => {
        if (s.pauseReason === 'AwaitingApproval' && approvals.length === 0) approvals = [ok('bob', 'awaitPromotion', i)];
        return approvals;
      },
    });
    expect(r.state.phase).toBe('Succeeded');
    expect(phases(r)).toContain('Paused(AwaitingApproval)');
  });

  it('RollingUpdate is gated once, before anything runs (hooks included)', () => {
    const ctx = context({ type: 'RollingUpdate' }, { ...gated, approvals: { ...policy, required: 1 }, preDeployHooks: ['migrate'] });
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const held = drive(ctx, cluster, { maxTicks: 5 });
    expect(held.state).toMatchObject({ phase: 'Paused', pauseReason: 'AwaitingApproval', rollout: null, hooks: { started: false } });
    expect(held.decisions.flatMap((d) => d.effects)).toEqual([]);
    const done = drive(ctx, cluster, { start: held.state, maxTicks: 40, approvals: () => [ok('bob', 'start')] });
    expect(done.state.phase).toBe('Succeeded');
  });

  it('a canary gated on both: first pause and last pause; a full promote may not skip the last gate', () => {
    const ctx = context({ type: 'Canary', steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] }, { ...gated, approvals: { ...policy, required: 1, on: 'both' } });
    const cluster = seedPrevious(new FakeCluster(), ctx);
    const first = drive(ctx, cluster, { maxTicks: 10 });
    expect(first.state.approvalGates?.waiting?.step).toBe('step-2');
    const approved = [ok('bob', 'step-2')];
    expect(canApply(first.state, { type: 'promote', full: true }, undefined, { approvals: approved, now: first.now })).toEqual({ ok: false, reason: expect.stringContaining('skip the approval gate at step-4') });
    const second = drive(ctx, cluster, { start: first.state, maxTicks: 10, approvals: () => approved, commands: (_s, i) => (i === 1 ? [command('promote')] : []) });
    expect(second.state).toMatchObject({ phase: 'Paused', pauseReason: 'AwaitingApproval', approvalGates: { passed: ['step-2'], waiting: { step: 'step-4' } } });
  });

  it('without a policy nothing changes', () => {
    const ctx = context({ type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 5 });
    expect(drive(ctx, seedPrevious(new FakeCluster(), ctx), { maxTicks: 60 }).state.phase).toBe('Succeeded');
  });
});
