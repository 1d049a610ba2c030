import { VersionApi } from '@kubernetes/client-node';
import { type ClusterCredentials, kubeConfigFromCredentials, serverOf } from './cluster-credentials';

export type ClusterCheckResult = { ok: true; version: string; platform?: string } | { ok: false; reason: string };

export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

const networkReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

const tlsReasons: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and not trusted (set caData)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain is not trusted (set caData)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate cannot be verified (set caData)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate issuer is not trusted (set caData)',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not name this host',
  EPROTO: 'TLS handshake failed',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is the server plain HTTP?)',
};

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** A reason a person can act on; never the credentials, never a stack. */
export function describeCheckFailure(error: unknown, server: string): string {
  const status = (error as { code?: unknown }).code;
  if (typeof status === 'number') {
    if (status === 401) return `unauthorized (401): ${server} rejected the credentials`;
    if (status === 403) return `forbidden (403): the credentials may not read the server version at ${server}`;
    return `the API server at ${server} answered HTTP ${status}`;
  }
  for (const code of errorCodes(error)) {
    if (tlsReasons[code]) return `TLS: ${tlsReasons[code]} (${server})`;
    if (networkReasons[code]) return `unreachable: ${networkReasons[code]} (${server})`;
    if (code.startsWith('ERR_TLS') || code.includes('CERT')) return `TLS: ${code} (${server})`;
  }
  const text = error instanceof Error ? error.message : '';
  if (text.includes('HTTP protocol is not allowed')) return `TLS: plain http:// needs insecureSkipTlsVerify (${server})`;
  if (error instanceof CheckTimeout) return `unreachable: no answer within ${error.ms} ms (${server})`;
  const message = error instanceof Error ? error.message : String(error);
  return `unreachable: ${message.split('\n')[0]?.slice(0, 200)} (${server})`;
}

class CheckTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Connects with @kubernetes/client-node and asks the server's version (GET /version). Never throws: a failure is
 * `{ ok: false, reason }` naming what went wrong (unreachable, TLS, 401, ...).
 */
export async function checkCluster(credentials: ClusterCredentials, options: { timeoutMs?: number } = {}): Promise<ClusterCheckResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let server = '(unknown server)';
  let timer: NodeJS.Timeout | undefined;
  try {
    server = serverOf(credentials);
    const api = kubeConfigFromCredentials(credentials).makeApiClient(VersionApi);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout(timeoutMs)), timeoutMs);
    });
    const info = await Promise.race([api.getCode(), timeout]);
    return { ok: true, version: info.gitVersion, ...(info.platform ? { platform: info.platform } : {}) };
  } catch (error) {
    return { ok: false, reason: describeCheckFailure(error, server) };
  } finally {
    clearTimeout(timer);
  }
}
