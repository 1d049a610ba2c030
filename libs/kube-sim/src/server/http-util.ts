// Small HTTP helpers: bodies, JSON answers, Status answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError, Status } from '../store/api-error';
import { badRequest } from '../store/api-error';

const MAX_BODY = 3 * 1024 * 1024; // kube-apiserver's default request size limit

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw badRequest('the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  sendRaw(res, code, JSON.stringify(body), 'application/json');
}

export function sendRaw(res: ServerResponse, code: number, text: string, contentType: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: ServerResponse, err: ApiError | Status): void {
  const status = 'status' in err && typeof err.status === 'object' ? (err as ApiError).status : (err as Status);
  if (status.code === 429 || status.details?.retryAfterSeconds) {
    res.setHeader('Retry-After', String(status.details?.retryAfterSeconds ?? 1));
  }
  sendJson(res, status.code, status);
}

/**
 * Go's JSON decoder wording for a body that does not parse, truncated like the apiserver does:
 * `json parse error: unexpected end of JSON input ({"apiVersion": "apps/v1", "kin ...)`.
 */
export function describeJsonError(text: string, err: unknown): string {
  const snippet = text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  const msg = err instanceof Error ? err.message : String(err);
  const why = /Unexpected end|end of JSON/i.test(msg) ? 'unexpected end of JSON input' : `invalid character ${goCharOf(msg)} looking for beginning of value`;
  return `json parse error: ${why} (${snippet})`;
}

function goCharOf(msg: string): string {
  const m = /token '?(.)'?/.exec(msg) ?? /Unexpected token (.)/.exec(msg);
  return m ? `'${m[1]}'` : "'?'";
}
