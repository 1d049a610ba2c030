// What a command request carries, and what deciding it inside a transaction gives back to the one who commits it.
import type { CommandIntent, DomainError } from '@cutover/domain';
import type { DeploymentCommandResultModel } from './models/deployment.model';

export interface CommandRequest {
  intent: CommandIntent;
  reason: string | null;
  /** The If-Match header (or GraphQL `ifMatch`); null when absent. */
  ifMatch: string | null;
}

/**
 * A command decided inside a transaction: what to answer and which deployment to wake once it commits, or the error
 * to throw after it commits (a refusal's audit entry is the only thing such a transaction writes).
 */
export type CommandOutcome = { ok: true; result: DeploymentCommandResultModel; wake: string } | { ok: false; error: DomainError };
