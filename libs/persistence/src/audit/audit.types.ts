export type AuditOutcome = 'success' | 'denied' | 'failed';
export type AuditInterface = 'rest' | 'graphql' | 'chat' | 'system';

/** One audited attempt, as the services describe it. Secrets never go here: pass `digestInput(body)` instead. */
export interface AuditInput {
  actorTokenId: string | null;
  actorName: string;
  /** e.g. `deployment.create`, `cluster.update`, `token.revoke` */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  /**
   * The resource's names. Looked up from resourceType/resourceId in the entry's transaction when absent; pass
   * them when the resource is gone by then (a delete) or has no row (a refused create).
   */
  names?: ResourceNames;
  requestId?: string | null;
  interface: AuditInterface;
  clientAddress?: string | null;
  /** `digestInput(input)`: sha256 of the canonical input with secret values removed. */
  inputDigest?: string | null;
  outcome: AuditOutcome;
  statusCode?: number | null;
  reason?: string | null;
  /** Defaults to now; tests pass a fixed time. */
  at?: Date;
}

export interface ResourceNames {
  app?: string | null;
  environment?: string | null;
  version?: string | null;
  cluster?: string | null;
}

export interface AuditListFilter {
  /** Resource names (exact). */
  app?: string;
  environment?: string;
  /** Actor name, or the token id when it is a UUID. */
  actor?: string;
  action?: string;
  resource?: { type: string; id?: string };
  since?: Date;
  /** Page size (1..500). */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface AuditPage<T> {
  /** Newest first. */
  items: T[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** The entries not sealed yet, as verify() found them when it started: not covered by the chain until sealed. */
export interface UnsealedTail {
  count: number;
  /** `at` of the oldest one; null when there are none. */
  oldestAt: Date | null;
}

export type AuditVerification =
  | { ok: true; count: number; unsealed: UnsealedTail }
  | { ok: false; count: number; firstBroken: { seq: string; reason: string }; unsealed: UnsealedTail };

/** One sealing round (AuditRepository.seal). */
export interface SealResult {
  /** Entries chained by this round. */
  sealed: number;
  /** Another process held the sealer lock: nothing was done. */
  busy: boolean;
  /** The batch was full: settled entries may be waiting. */
  more: boolean;
  /** Longest time from an entry's `at` to its sealing in this round (ms); 0 when none were sealed. */
  maxLagMs: number;
}
