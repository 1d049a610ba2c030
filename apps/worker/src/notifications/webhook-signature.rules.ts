import { createHmac } from 'node:crypto';

/**
 * The Cutover-Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>`.
 * Signing the timestamp with the body lets a receiver refuse old deliveries (docs/notifications.md: > 5 min skew),
 * so a captured request cannot be replayed later.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}
