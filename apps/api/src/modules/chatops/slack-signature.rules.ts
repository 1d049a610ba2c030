import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack signs `v0:<X-Slack-Request-Timestamp>:<raw body>`; a request more than this far off is refused. */
export const MAX_SKEW_SECONDS = 300;

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Slack's request signing, version 0 (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>" keyed with the signing secret>`.
 */
export function verifySlackSignature(secret: string, timestamp: string | undefined, signature: string | undefined, rawBody: string, nowSeconds: number): SignatureVerdict {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is missing or not a number' };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS) return { ok: false, reason: 'the request timestamp is more than 5 minutes off' };
  if (!signature || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'X-Slack-Signature is missing or not a v0 signature' };
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'the signature does not match' };
  return { ok: true };
}

/** What a test (or a script) sends: the headers Slack would. */
export function slackSignatureHeaders(secret: string, rawBody: string, nowSeconds: number): Record<string, string> {
  const timestamp = String(Math.floor(nowSeconds));
  const v0 = createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex');
  return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${v0}` };
}
