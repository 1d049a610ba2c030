import { performance } from 'node:perf_hooks';

export interface PostResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** Why it failed, for the delivery's lastError (no response body is kept: it may hold anything). */
  error: string | null;
}

/**
 * One POST to a receiver. Only a 2xx answer counts; a redirect is not followed (the URL an admin registered is the
 * only place a delivery goes); a receiver that has not answered within `timeoutMs` has failed this attempt.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'Cutover-Notifications/1', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer's body is not needed: release the connection without reading it.
    await res.body?.cancel().catch(() => undefined);
    const latencyMs = performance.now() - started;
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, latencyMs, error: ok ? null : `receiver answered ${res.status}${res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : ''}` };
  } catch (error) {
    const latencyMs = performance.now() - started;
    const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const reason =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? `no answer within ${timeoutMs} ms`
        : `could not reach the receiver: ${e.cause?.code ?? e.cause?.message ?? e.message ?? String(error)}`;
    return { ok: false, statusCode: null, latencyMs, error: reason };
  }
}
