// Server-sent events over fetch: Node can send the Authorization header (no stream ticket needed) and resume with
// Last-Event-ID after a dropped connection.

/**
 * Follows `route` until `onEvent` returns true (done) or `signal` aborts. Reconnects with Last-Event-ID.
 * @param {{ server: string, token: string }} ctx
 * @param {string} route
 * @param {(event: { id: string, type: string, data: any }) => boolean | Promise<boolean>} onEvent
 * @param {{ onState?: (state: 'live' | 'reconnecting') => void, signal?: AbortSignal, after?: string }} [options]
 */
export async function follow(ctx, route, onEvent, options = {}) {
  let lastId = options.after;
  let attempt = 0;
  for (;;) {
    if (options.signal?.aborted) return;
    try {
      const res = await fetch(`${ctx.server}${route}`, {
        headers: { authorization: `Bearer ${ctx.token}`, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
        signal: options.signal,
      });
      if (res.status === 401 || res.status === 403 || res.status === 404) {
        const { problemError } = await import('./errors.mjs');
        throw problemError(res.status, /** @type {any} */ (await res.json().catch(() => ({}))), ctx.server);
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      attempt = 0;
      options.onState?.('live');
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (/** @type {unknown} */ (res.body))) {
        buffer += decoder.decode(chunk, { stream: true });
        let at;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          let id = '';
          let type = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trimStart();
          }
          if (!data) continue;
          if (id) lastId = id;
          if (await onEvent({ id, type, data: JSON.parse(data) })) return;
        }
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      if (error && typeof error === 'object' && 'code' in error && typeof (/** @type {any} */ (error).code) === 'number') throw error;
    }
    // The stream ended or dropped: resume after the last event seen.
    attempt += 1;
    options.onState?.('reconnecting');
    await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** Math.min(attempt, 5))));
  }
}
