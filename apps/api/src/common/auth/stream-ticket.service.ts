import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Actor, DomainError, type RequestContext } from '@cutover/domain';
import { AuditRepository, TokenRepository } from '@cutover/persistence';
import { DeploymentQueue } from '@cutover/queue';
import { auditEntry } from '../audit/audit-entry.mapper';
import { actorOf } from './token-auth.service';

/** How long a ticket may wait before its first (and only) use. */
export const STREAM_TICKET_TTL_MS = 60_000;
const TICKET_PREFIX = 'cst_';

export interface IssuedTicket {
  ticket: string;
  expiresAt: Date;
}

/**
 * Browsers cannot set headers on an EventSource, and a long-lived token must never sit in a URL (logs, history,
 * Referer). A stream ticket stands in for the caller's token on one stream request: random, single use, valid
 * 60 s, kept in Redis (any api replica redeems it) under its hash only, and it acts as the token that asked for it
 * (a token revoked meanwhile makes it worthless).
 */
@Injectable()
export class StreamTicketService {
  constructor(
    @Inject(DeploymentQueue) private readonly queue: DeploymentQueue,
    @Inject(TokenRepository) private readonly tokens: TokenRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  private key(ticket: string): string {
    return `${this.queue.queuePrefix}:stream-ticket:${createHash('sha256').update(ticket).digest('hex')}`;
  }

  async issue(ctx: RequestContext, now = Date.now()): Promise<IssuedTicket> {
    const tokenId = ctx.actor.tokenId;
    if (!tokenId) throw new DomainError('FORBIDDEN', 'Only an API token can ask for a stream ticket.');
    const ticket = TICKET_PREFIX + randomBytes(32).toString('base64url');
    // Audited like any credential handed out (the ticket itself is not recorded).
    await this.audit.appendStandalone(auditEntry(ctx, { action: 'stream-ticket.create', resourceType: 'token', resourceId: tokenId }));
    await this.queue.redis.set(this.key(ticket), tokenId, 'PX', STREAM_TICKET_TTL_MS);
    return { ticket, expiresAt: new Date(now + STREAM_TICKET_TTL_MS) };
  }

  /** The actor a ticket stands for; the ticket is gone afterwards. Throws UNAUTHENTICATED for anything else. */
  async redeem(ticket: string): Promise<Actor> {
    if (!ticket.startsWith(TICKET_PREFIX) || ticket.length > 100) {
      throw new DomainError('UNAUTHENTICATED', 'The stream ticket is not valid.', [], { reason: 'malformed' });
    }
    const tokenId = await this.queue.redis.getdel(this.key(ticket));
    if (!tokenId) {
      throw new DomainError('UNAUTHENTICATED', 'The stream ticket is unknown, used already, or older than 60 s: ask POST /v1/stream-tickets for a new one.', [], {
        reason: 'unknown',
      });
    }
    const token = await this.tokens.findById(tokenId);
    if (!token || token.revokedAt) throw new DomainError('UNAUTHENTICATED', 'The token behind this stream ticket has been revoked.', [], { reason: 'revoked' });
    return actorOf(token);
  }
}
