import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { type Actor, DomainError, type RequestContext } from '@cutover/domain';
import { AuditRepository, type DashboardSessionRecord, DashboardSessionRepository, TransactionRunner, hashToken } from '@cutover/persistence';
import { auditEntry } from '../audit/audit-entry.mapper';
import type { ApiRequest } from '../http/http-request.types';
import { FailedAuthentications } from './failed-auth.service';
import { actorOf } from './token-auth.service';

export const SESSION_COOKIE = 'cutover_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A dashboard session lasts a working day; signing in again starts a new one. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const SESSION_PREFIX = 'cs_';
const CACHE_TTL_MS = 5_000;
const MAX_CACHED = 10_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Ended (expired or signed-out) sessions are kept this long for inspection, then deleted at a later sign-in. */
const ENDED_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

/** What the guard leaves on a request authenticated by its session cookie. */
export interface SessionOfRequest {
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

export type SessionRequest = ApiRequest & { cutoverSession?: SessionOfRequest; protocol?: string };

export interface SignedIn {
  /** The cookie value (sent once, in Set-Cookie). */
  secret: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
}

/** The CSRF token of a session: derived from its secret, so nothing more is stored and only the cookie's holder can compute it. */
export function csrfTokenOf(secret: string): string {
  return createHash('sha256').update(`csrf:${secret}`, 'utf8').digest('hex');
}

/** The session secret in a Cookie header, if any. */
export function sessionCookieOf(headers: ApiRequest['headers']): string | undefined {
  const cookie = headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** Set-Cookie of a session (and of its removal: `secret` null). Secure when the request came over HTTPS. */
export function sessionCookie(secret: string | null, req: SessionRequest): string {
  const secure = req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
  const value = secret ?? '';
  const maxAge = secret === null ? 0 : Math.floor(SESSION_TTL_MS / 1000);
  return `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Strict${secure}`;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Dashboard sessions (docs/dashboard.md): a token pasted once is exchanged for a random cookie secret (httpOnly,
 * SameSite=Strict, 8 h) whose sha256 alone is stored; the session then acts as that token, and ends when it
 * expires, is signed out, or its token is revoked. Mutations over a cookie also need the X-CSRF-Token header and,
 * when the browser sends one, an Origin of this host.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);
  private readonly cache = new Map<string, { session: DashboardSessionRecord | null; until: number }>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly sessions: DashboardSessionRepository,
    private readonly audit: AuditRepository,
    private readonly failures: FailedAuthentications,
  ) {}

  async signIn(req: SessionRequest, token: string, now = Date.now()): Promise<SignedIn> {
    this.assertSameOrigin(req);
    const actor = await this.failures.authenticate({ headers: { authorization: `Bearer ${token}` }, ip: req.ip });
    if (!actor.tokenId) throw new DomainError('FORBIDDEN', 'Only an API token can sign in to the dashboard.');
    const tokenId = actor.tokenId;
    const secret = SESSION_PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + SESSION_TTL_MS);
    const userAgent = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 256) : null;
    const ctx: RequestContext = { actor, requestId: req.id, interface: 'rest', clientAddress: req.ip ?? null };
    await this.tx.run(async (tx) => {
      const session = await this.sessions.create(tx, { tokenId, secretHash: hashToken(secret), userAgent, expiresAt });
      await this.audit.append(tx, auditEntry(ctx, { action: 'session.create', resourceType: 'session', resourceId: session.id }));
    });
    // Housekeeping on the way: sessions that ended a week ago go (best effort; sign-in does not wait for it).
    this.sessions.deleteEnded(new Date(now - ENDED_KEPT_MS)).catch((err: unknown) => this.logger.warn({ err }, 'could not delete ended dashboard sessions'));
    return { secret, csrfToken: csrfTokenOf(secret), expiresAt, actor };
  }

  /** The actor of a session cookie; UNAUTHENTICATED when it is unknown, expired, signed out or its token revoked. */
  async authenticate(secret: string, now = Date.now()): Promise<{ actor: Actor; session: SessionOfRequest }> {
    if (!secret.startsWith(SESSION_PREFIX) || secret.length > 100) {
      throw new DomainError('UNAUTHENTICATED', 'The session cookie is not valid; sign in again.', [], { reason: 'malformed' });
    }
    const session = await this.lookup(hashToken(secret), now);
    if (!session) throw new DomainError('UNAUTHENTICATED', 'The session is unknown; sign in again.', [], { reason: 'unknown' });
    if (session.revokedAt) throw new DomainError('UNAUTHENTICATED', 'The session was signed out; sign in again.', [], { reason: 'revoked' });
    if (session.expiresAt.getTime() <= now) throw new DomainError('UNAUTHENTICATED', 'The session has expired; sign in again.', [], { reason: 'expired' });
    if (session.token.revokedAt) throw new DomainError('UNAUTHENTICATED', 'The token behind this session has been revoked.', [], { reason: 'revoked' });
    return { actor: actorOf(session.token), session: { id: session.id, csrfToken: csrfTokenOf(secret), expiresAt: session.expiresAt } };
  }

  /** A mutation over a cookie: the CSRF header must match and the Origin (when sent) must be this host. */
  assertMutationAllowed(req: SessionRequest, session: SessionOfRequest): void {
    if (SAFE_METHODS.has(req.method)) return;
    this.assertSameOrigin(req);
    const header = req.headers[CSRF_HEADER];
    const sent = Array.isArray(header) ? header[0] : header;
    if (!sent || !sameText(sent, session.csrfToken)) {
      throw new DomainError('FORBIDDEN', 'A change made with a dashboard session needs the X-CSRF-Token header (from POST or GET /v1/session).', [], { reason: 'csrf' });
    }
  }

  async signOut(ctx: RequestContext, session: SessionOfRequest | undefined, now = Date.now()): Promise<void> {
    if (!session) {
      throw new DomainError('NOT_FOUND', 'This request carries no dashboard session to sign out (revoke an API token with DELETE /v1/tokens/:id).');
    }
    await this.tx.run(async (tx) => {
      await this.sessions.revoke(tx, session.id, new Date(now));
      await this.audit.append(tx, auditEntry(ctx, { action: 'session.revoke', resourceType: 'session', resourceId: session.id }));
    });
    for (const [hash, entry] of this.cache) if (entry.session?.id === session.id) this.cache.delete(hash);
  }

  private assertSameOrigin(req: SessionRequest): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host === undefined || host !== req.headers.host) {
      throw new DomainError('FORBIDDEN', `Requests from origin ${origin} may not use a dashboard session.`, [], { reason: 'origin' });
    }
  }

  private async lookup(hash: string, now: number): Promise<DashboardSessionRecord | null> {
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.session;
    const session = await this.sessions.findBySecretHash(hash);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(hash, { session, until: now + CACHE_TTL_MS });
    return session;
  }
}
