// Opaque list continuation tokens in Kubernetes' own shape: base64url(JSON {v, rv, start}).
import { badRequest } from './api-error';

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(rv: number, lastKey: string): string {
  const tok: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` };
  return Buffer.from(JSON.stringify(tok)).toString('base64url');
}

/** Returns the key to continue after; throws 400 worded as the apiserver words it for a malformed token. */
export function decodeContinue(token: string): { rv: number; start: string } {
  const fail = (why: string): never => {
    throw badRequest(`invalid continue token: continue key is not valid: ${why}`);
  };
  if (!/^[A-Za-z0-9_-]*$/.test(token)) {
    const at = token.search(/[^A-Za-z0-9_-]/);
    fail(`illegal base64 data at input byte ${at}`);
  }
  const raw = Buffer.from(token, 'base64url');
  const text = raw.toString('latin1');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    fail(goJsonSyntaxError(text));
  }
  const t = parsed as Partial<ContinueToken>;
  if (!t || typeof t !== 'object' || t.v !== 'meta.k8s.io/v1') fail('continue key version is not supported');
  if (typeof t.rv !== 'number' || t.rv <= 0) fail('continue key has no valid resource version');
  if (typeof t.start !== 'string') fail('continue key has no start');
  const start = t.start!;
  return { rv: t.rv!, start: start.endsWith('\u0000') ? start.slice(0, -1) : start };
}

/** Go's encoding/json wording for the first bad byte: "invalid character 'x' looking for beginning of value". */
function goJsonSyntaxError(text: string): string {
  const trimmed = text.replace(/^[ \t\r\n]+/, '');
  if (!trimmed.length) return 'unexpected end of JSON input';
  const c = trimmed.charCodeAt(0);
  const shown = c === 0x27 ? "'\\''" : c >= 0x20 && c < 0x7f ? `'${trimmed[0]}'` : `'\\u${c.toString(16).padStart(4, '0')}'`;
  if ('{["-0123456789tfn'.includes(trimmed[0])) return 'unexpected end of JSON input';
  return `invalid character ${shown} looking for beginning of value`;
}
