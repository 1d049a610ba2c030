// Approval rules: where the gates of a deployment are, which approvals count, and what a policy may say. Pure: the
// api and the worker hand in the stored approvals, the deployer and the time.
import type { Role } from '../../model/context/request-context.types';
import type { ApprovalPolicy, ApprovalRecordView, ApprovalStatus } from '../../model/deployment/approval.types';
import { APPROVAL_STAGES } from '../../model/deployment/approval.types';
import type { PlanStep } from '../../model/deployment/plan.types';
import type { FieldError } from '../../model/errors/domain.errors';

export const MAX_APPROVERS = 20;
export const MIN_APPROVAL_EXPIRY_SECONDS = 60;
/** The gate before a rollout begins, for strategies (and first deployments) without a promotion point. */
export const START_GATE = 'start';

const ROLE_RANK: Record<Role, number> = { viewer: 0, deployer: 1, admin: 2 };
const ROLE_NAMES = Object.keys(ROLE_RANK) as Role[];
const NAMED = /^(token:[A-Za-z0-9._-]{1,100}|slack:[A-Z0-9]{2,32}\/[A-Z0-9]{2,32})$/;

function isRole(v: string): v is Role {
  return (ROLE_NAMES as string[]).includes(v);
}

/**
 * The steps a deployment stops at for approval: its promotion points (a step that waits for promote: blue/green's
 * awaitPromotion, a canary pause) — the first for `first-shift`, the last for `final`, both for `both`. A plan
 * without one (Recreate, RollingUpdate, a canary without pauses, a first deployment) is gated once, at `start`.
 */
export function approvalGateSteps(steps: ReadonlyArray<Pick<PlanStep, 'id' | 'wait'>> | null, policy: ApprovalPolicy | null): string[] {
  if (policy === null) return [];
  const points = (steps ?? []).filter((s) => s.wait.type === 'promote').map((s) => s.id);
  if (points.length === 0) return [START_GATE];
  const first = points[0]!;
  const last = points[points.length - 1]!;
  switch (policy.on) {
    case 'first-shift':
      return [first];
    case 'final':
      return [last];
    case 'both':
      return first === last ? [first] : [first, last];
  }
}

/** Whether this approver may approve under `from` (a role entry admits that role and higher ones). */
export function approverAllowed(from: readonly string[], approver: string, role: Role): boolean {
  return from.some((entry) => (isRole(entry) ? ROLE_RANK[role] >= ROLE_RANK[entry] : entry === approver || entry === `token:${approver}`));
}

function describeFrom(from: readonly string[]): string {
  const roles = from.filter(isRole);
  const lowest = roles.sort((a, b) => ROLE_RANK[a] - ROLE_RANK[b])[0];
  const parts = [...(lowest ? [ROLE_NAMES.filter((r) => ROLE_RANK[r] >= ROLE_RANK[lowest]).join(' or ')] : []), ...from.filter((e) => !isRole(e))];
  return parts.join(', ');
}

export interface ApprovalFacts {
  /** Who created the deployment (token name or `slack:<team>/<user>`). */
  deployer: string;
  releaseDigest: string;
  now: number;
}

/**
 * Which approvals count at gate `step`: bound to this step and release digest, not expired, from someone `from`
 * admits, one per approver, never the deployer's own when `excludeDeployer`.
 */
export function approvalStatus(policy: ApprovalPolicy, step: string, approvals: readonly ApprovalRecordView[], facts: ApprovalFacts): ApprovalStatus {
  const counted: string[] = [];
  const ignored: ApprovalStatus['ignored'] = [];
  for (const a of [...approvals].sort((x, y) => x.at - y.at)) {
    let why: string | null = null;
    if (a.step !== step) why = `given for step ${a.step}`;
    else if (a.releaseDigest !== facts.releaseDigest) why = 'given for another release';
    else if (policy.expiresAfterSeconds !== null && facts.now - a.at > policy.expiresAfterSeconds * 1000) why = 'expired';
    else if (policy.excludeDeployer && a.approver === facts.deployer) why = 'the deployer cannot approve their own deployment';
    else if (!approverAllowed(policy.from, a.approver, a.approverRole)) why = `not one of ${describeFrom(policy.from)}`;
    else if (counted.includes(a.approver)) why = 'already counted';
    if (why === null) counted.push(a.approver);
    else ignored.push({ id: a.id, approver: a.approver, why });
  }
  const missing = Math.max(0, policy.required - counted.length);
  const not = [...(policy.excludeDeployer ? [facts.deployer] : []), ...counted];
  const needed =
    missing === 0
      ? 'none'
      : `${missing} more approval${missing === 1 ? '' : 's'} from ${describeFrom(policy.from)}${not.length > 0 ? ` (not ${[...new Set(not)].join(', ')})` : ''}`;
  return { step, required: policy.required, counted, ignored, satisfied: missing === 0, needed };
}

/** What the api knows when a policy is set: how many distinct people could ever approve under `from`. */
export interface PolicyFacts {
  /** Tokens (not revoked) and chat identities per role, for role entries. */
  holdersByRole: Record<Role, number>;
  /** Whether deployments here are protected (separation of duties on by default). */
  protectedEnvironment: boolean;
}

export interface ApprovalPolicyInput {
  required?: unknown;
  from?: unknown;
  expiresAfterSeconds?: number | null;
  excludeDeployer?: unknown;
  on?: unknown;
}

/**
 * Validates a policy (paths under `approvals.`) and fills its defaults: from = [deployer], no expiry, on = final,
 * excludeDeployer = the environment is protected. Refuses a policy nobody could ever satisfy.
 */
export function parseApprovalPolicy(input: ApprovalPolicyInput, facts: PolicyFacts): { ok: true; value: ApprovalPolicy } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const p = 'approvals';
  const required = input.required;
  if (typeof required !== 'number' || !Number.isInteger(required) || required < 1 || required > MAX_APPROVERS) {
    errors.push({ path: `${p}.required`, rule: 'range', message: `required must be a whole number from 1 to ${MAX_APPROVERS}` });
  }
  let from: string[] = ['deployer'];
  if (input.from !== undefined && input.from !== null) {
    if (!Array.isArray(input.from) || input.from.length === 0 || input.from.length > 100) {
      errors.push({ path: `${p}.from`, rule: 'list', message: 'from must be a non-empty list of roles, token:<name> or slack:<teamId>/<userId>' });
    } else {
      from = [];
      input.from.forEach((e, i) => {
        if (typeof e === 'string' && (isRole(e) || NAMED.test(e))) from.push(e);
        else errors.push({ path: `${p}.from[${i}]`, rule: 'approver', message: 'each entry must be a role (viewer, deployer, admin), token:<name> or slack:<teamId>/<userId>' });
      });
      from = [...new Set(from)];
    }
  }
  const expires = input.expiresAfterSeconds ?? null;
  if (expires !== null && (!Number.isFinite(expires) || expires < MIN_APPROVAL_EXPIRY_SECONDS)) {
    errors.push({ path: `${p}.expiresAfter`, rule: 'range', message: `expiresAfter must be at least ${MIN_APPROVAL_EXPIRY_SECONDS}s, like "1h" or "30m"` });
  }
  if (input.excludeDeployer !== undefined && input.excludeDeployer !== null && typeof input.excludeDeployer !== 'boolean') {
    errors.push({ path: `${p}.excludeDeployer`, rule: 'boolean', message: 'excludeDeployer must be true or false' });
  }
  const on = input.on ?? 'final';
  if (typeof on !== 'string' || !(APPROVAL_STAGES as readonly string[]).includes(on)) {
    errors.push({ path: `${p}.on`, rule: 'isIn', message: `on must be one of ${APPROVAL_STAGES.join(', ')}` });
  }
  if (errors.length > 0) return { ok: false, errors };
  const excludeDeployer = typeof input.excludeDeployer === 'boolean' ? input.excludeDeployer : facts.protectedEnvironment;
  // How many distinct people could approve: the named ones, plus every holder of an admitted role.
  const lowest = from.filter(isRole).sort((a, b) => ROLE_RANK[a] - ROLE_RANK[b])[0];
  const byRole = lowest ? ROLE_NAMES.filter((r) => ROLE_RANK[r] >= ROLE_RANK[lowest]).reduce((n, r) => n + facts.holdersByRole[r], 0) : 0;
  const possible = from.filter((e) => !isRole(e)).length + byRole;
  if ((required as number) > possible) {
    return {
      ok: false,
      errors: [{ path: `${p}.required`, rule: 'possible', message: `required is ${required as number} but only ${possible} distinct approver${possible === 1 ? '' : 's'} can exist under from (${from.join(', ')})` }],
    };
  }
  return { ok: true, value: { required: required as number, from, expiresAfterSeconds: expires, excludeDeployer, on: on as ApprovalPolicy['on'] } };
}
