// Human (or API-issued) commands on a deployment. The api writes one row per command with its audit entry,
// refusing wrong-state ones with `canApply`; the worker hands pending rows to `decide`, which consumes each once.

export type CommandType = 'promote' | 'pause' | 'resume' | 'abort' | 'rollback' | 'retry';
export const commandTypes: readonly CommandType[] = ['promote', 'pause', 'resume', 'abort', 'rollback', 'retry'];

export type CommandIntent =
  /** Next step; `full` skips the remaining steps (Canary) */
  | { type: 'promote'; full?: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  /** `supersededBy` (a deployment id) ends it as Superseded instead of Aborted. */
  | { type: 'abort'; supersededBy?: string }
  | { type: 'rollback' }
  | { type: 'retry' };

export type Command = CommandIntent & {
  /** DeploymentCommand.id: a consumed id is never applied again. */
  id: string;
  /** Actor name for the timeline (the audit entry is written by the api). */
  actor: string;
  reason: string | null;
};

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface CommandOutcome {
  id: string;
  status: 'applied' | 'rejected';
  /** What happened, or why it was refused. */
  result: string;
}
