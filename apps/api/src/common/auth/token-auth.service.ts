import { Injectable, Logger } from '@nestjs/common';
import { type Actor, DomainError } from '@cutover/domain';
import { type ApiTokenRecord, TokenRepository, hashToken } from '@cutover/persistence';

/** How long a token lookup is trusted: revocation on another replica takes effect within this time. */
export const TOKEN_CACHE_TTL_MS = 5_000;
/** lastUsedAt is written at most this often per token. */
export const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_CACHED = 10_000;

interface Cached {
  token: ApiTokenRecord | null;
  expiresAt: number;
}

export function actorOf(token: ApiTokenRecord): Actor {
  return { tokenId: token.id, name: token.name, role: token.role, scopes: token.scopes };
}

const bearer = /^Bearer\s+(\S+)\s*$/i;

/**
 * Bearer token → Actor. Lookups are cached briefly by secret hash (one database read per token per few seconds,
 * not per request); revoking through this replica drops the entry at once.
 */
@Injectable()
export class TokenAuthService {
  private readonly logger = new Logger(TokenAuthService.name);
  private readonly cache = new Map<string, Cached>();
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly tokens: TokenRepository) {}

  /** Throws DomainError UNAUTHENTICATED with the reason (missing, malformed, unknown, revoked). */
  async authenticate(authorization: string | string[] | undefined, now = Date.now()): Promise<Actor> {
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    if (!header) throw new DomainError('UNAUTHENTICATED', 'Send Authorization: Bearer <token>.', [], { reason: 'missing' });
    const secret = bearer.exec(header)?.[1];
    if (!secret) throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".', [], { reason: 'malformed' });
    const token = await this.lookup(hashToken(secret), now);
    if (!token) throw new DomainError('UNAUTHENTICATED', 'The token is not valid.', [], { reason: 'unknown' });
    if (token.revokedAt) throw new DomainError('UNAUTHENTICATED', 'The token has been revoked.', [], { reason: 'revoked' });
    this.touch(token.id, now);
    return actorOf(token);
  }

  /**
   * The actor of a valid token this replica looked up within the cache TTL, answered without a promise (the hot
   * path of every authenticated request); undefined for anything else, which `authenticate()` then decides.
   */
  authenticateCached(authorization: string | string[] | undefined, now = Date.now()): Actor | undefined {
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    const secret = header ? bearer.exec(header)?.[1] : undefined;
    if (!secret) return undefined;
    const cached = this.cache.get(hashToken(secret));
    if (!cached || cached.expiresAt <= now || !cached.token || cached.token.revokedAt) return undefined;
    this.touch(cached.token.id, now);
    return actorOf(cached.token);
  }

  /** Call after revoking a token so this replica refuses it at once. */
  forget(tokenId: string): void {
    for (const [hash, entry] of this.cache) if (entry.token?.id === tokenId) this.cache.delete(hash);
  }

  private async lookup(hash: string, now: number): Promise<ApiTokenRecord | null> {
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.token;
    const token = await this.tokens.findBySecretHash(hash);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(hash, { token, expiresAt: now + TOKEN_CACHE_TTL_MS });
    return token;
  }

  private touch(tokenId: string, now: number): void {
    const last = this.lastTouched.get(tokenId) ?? 0;
    if (now - last < LAST_USED_RESOLUTION_MS) return;
    this.lastTouched.set(tokenId, now);
    // Fire and forget: usage bookkeeping must never slow down or fail the request.
    this.tokens.touchLastUsed(tokenId, new Date(now), new Date(now - LAST_USED_RESOLUTION_MS)).catch((err: unknown) => {
      this.logger.warn({ err, tokenId }, 'could not record token use');
    });
  }
}
