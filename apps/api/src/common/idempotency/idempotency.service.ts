import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { canonicalJson, DomainError, type RequestContext } from '@cutover/domain';
import { IdempotencyRepository, type Prisma, type Tx } from '@cutover/persistence';

/** How long a key's first answer is replayed. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_HEADER = 'idempotency-key';

const KEY = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentRequest {
  key: string;
  scope: string;
  requestHash: string;
}

export interface StoredAnswer {
  status: number;
  body: Prisma.JsonValue;
}

/** Reads the header: absent → no idempotency; present but unusable → 422 naming it. */
export function idempotencyKeyOf(header: string | string[] | undefined | null): string | null {
  if (header === undefined || header === null) return null;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !KEY.test(value)) {
    throw DomainError.validation([{ path: 'Idempotency-Key', rule: 'idempotencyKey', message: 'Idempotency-Key must be 1-255 visible ASCII characters' }]);
  }
  return value;
}

/**
 * `Idempotency-Key` support: the first successful answer to (caller, key) is stored in the transaction that made
 * the change, and the same request again within 24 h gets that answer back without doing anything. The key with a
 * different request is a 422. Refusals (4xx) are not stored: nothing was done, so trying again is harmless.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly records: IdempotencyRepository) {}

  /** Keys are per caller: one token's key never replays another's answer. */
  request(ctx: RequestContext, key: string | null, operation: string, body: unknown): IdempotentRequest | null {
    if (key === null) return null;
    const scope = ctx.actor.tokenId ?? `name:${ctx.actor.name}`;
    const requestHash = createHash('sha256').update(canonicalJson({ operation, body: JSON.parse(JSON.stringify(body ?? null)) as unknown })).digest('hex');
    return { key, scope, requestHash };
  }

  /** The stored answer to replay, or null when the request must run; 422 when the key came with another request. */
  async replay(req: IdempotentRequest | null, now = new Date()): Promise<StoredAnswer | null> {
    if (req === null) return null;
    const since = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS);
    const found = await this.records.find(req.scope, req.key);
    if (!found) return null;
    if (found.createdAt < since) {
      await this.records.deleteIfOlder(req.scope, req.key, since);
      return null;
    }
    if (found.requestHash !== req.requestHash) {
      throw new DomainError('UNPROCESSABLE', 'This Idempotency-Key was already used with a different request; use a new key for a new request.', [], {
        idempotencyKey: req.key,
      });
    }
    return { status: found.status, body: found.response };
  }

  /**
   * Whether a request with this key committed since `replay()` looked (call it once the change's locks are held:
   * a concurrent twin that got there first has committed by then).
   */
  async recordedMeanwhile(tx: Tx, req: IdempotentRequest | null): Promise<boolean> {
    if (req === null) return false;
    return (await this.records.find(req.scope, req.key, tx)) !== null;
  }

  /**
   * Stores the answer inside the change's transaction. `false`: a concurrent request with the same key won; the
   * caller must roll back and answer with `replay()` instead.
   */
  store(tx: Tx, req: IdempotentRequest, answer: StoredAnswer): Promise<boolean> {
    return this.records.record(tx, { scope: req.scope, key: req.key, requestHash: req.requestHash, status: answer.status, response: answer.body });
  }
}
