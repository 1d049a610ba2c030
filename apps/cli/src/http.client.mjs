// One HTTP route per command: parse, call, render (a CLI is an adapter like a controller).
import { CliError, EXIT, problemError } from './errors.mjs';

const VERSION = '0.1.0';

/**
 * @param {{ server: string, token: string }} ctx
 * @param {string} method
 * @param {string} route
 * @param {{ body?: unknown, headers?: Record<string, string>, allow?: number[] }} [options]
 * @returns {Promise<any>}
 */
export async function api(ctx, method, route, options = {}) {
  /** @type {Response} */
  let res;
  try {
    res = await fetch(`${ctx.server}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${ctx.token}`,
        accept: 'application/json',
        'user-agent': `cutover-cli/${VERSION}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    const cause = /** @type {{ cause?: { code?: string, message?: string } }} */ (error).cause;
    throw new CliError(EXIT.FAILED, `Cannot reach ${ctx.server}: ${cause?.code ?? cause?.message ?? String(error)}.`, 'Check the server address (`cutover context list`) and that the api is running.');
  }
  const text = await res.text();
  /** @type {any} */
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { detail: text.slice(0, 200) };
  }
  if (res.ok || options.allow?.includes(res.status)) return body;
  throw problemError(res.status, body ?? {}, ctx.server);
}

export const enc = encodeURIComponent;
