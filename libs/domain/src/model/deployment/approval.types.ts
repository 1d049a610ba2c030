// Approvals: who must say yes before a deployment moves past a promotion point (docs/gates.md).

/** Where the approval gate sits: the first promotion point, the last one, or both. */
export type ApprovalStage = 'first-shift' | 'final' | 'both';
export const APPROVAL_STAGES: readonly ApprovalStage[] = ['first-shift', 'final', 'both'];

/** An environment's approval policy, copied into the deployment's context when it is created. */
export interface ApprovalPolicy {
  /** Distinct approvers needed (1..20). */
  required: number;
  /**
   * Who may approve: a role (`viewer`, `deployer`, `admin`: that role or a higher one), an API token by name
   * (`token:<name>`) or a linked chat user (`slack:<teamId>/<userId>`).
   */
  from: string[];
  /** An approval older than this no longer counts; null = valid as long as its deployment, step and release are. */
  expiresAfterSeconds: number | null;
  /** The deployer's own approval does not count (separation of duties). */
  excludeDeployer: boolean;
  on: ApprovalStage;
}

/** One recorded approval, as the rules read it. */
export interface ApprovalRecordView {
  id: string;
  /** Token name, or `slack:<teamId>/<userId>` for a chat user. */
  approver: string;
  approverRole: 'viewer' | 'deployer' | 'admin';
  /** The gate (plan step id, or `start`) it was given for. */
  step: string;
  releaseDigest: string;
  /** Epoch ms. */
  at: number;
  reason: string | null;
}

/** Where a deployment stands with its approvals at one gate. */
export interface ApprovalStatus {
  /** The gate's step id (`start` before the rollout begins). */
  step: string;
  required: number;
  /** Approvers that count, in the order they approved. */
  counted: string[];
  /** Approvals that do not count, and why (the deployer's own, expired, another release, not allowed). */
  ignored: Array<{ id: string; approver: string; why: string }>;
  satisfied: boolean;
  /** "1 more approval from deployer or admin (not alice)": who is still needed, for 409s and chat. */
  needed: string;
}
