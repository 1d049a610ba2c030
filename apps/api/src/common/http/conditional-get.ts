import { createHash } from 'node:crypto';

// Conditional GET (RFC 9110 §13.1.2): a poller that sends back the ETag it has gets 304 Not Modified, no body,
// while nothing it would see changed. Weak comparison, as for every If-None-Match.

/** Fastify's reply and Express's response both offer these. */
export interface ConditionalReply {
  status(code: number): ConditionalReply;
  header(name: string, value: string): ConditionalReply;
  send(body?: unknown): unknown;
}

const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');

/** Whether an If-None-Match header names this ETag (or `*`). */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return false;
  const want = opaque(etag);
  return value.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === want);
}

/** Answers `body` with its ETag, or 304 without a body when the caller already has that ETag. */
export function sendConditional(ifNoneMatch: string | string[] | undefined, res: ConditionalReply, etag: string, body: unknown): void {
  res.header('ETag', etag);
  // Clients must ask again every time (and may use the ETag to make that cheap).
  res.header('Cache-Control', 'no-cache');
  if (ifNoneMatchHits(ifNoneMatch, etag)) {
    res.status(304).send();
    return;
  }
  res.status(200).send(body);
}

/** A weak ETag for a representation with no version of its own: a digest of its JSON. */
export function bodyEtag(body: unknown): string {
  return `W/"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 22)}"`;
}
