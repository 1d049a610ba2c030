// What went wrong talking to a cluster, in words a person can act on, and of which kind: the worker surfaces it on
// the deployment (and fails or pauses it after clusterUnreachableTimeout); the api answers it from a check.
import { KubeApiError, NoAnswerError, statusCode } from '../gateway/kube-client';

/** unreachable: no connection or no answer; tls: the handshake or the certificate; unauthorized/forbidden: 401/403; apiMissing: 404 of an API Cutover needs. */
export type ClusterErrorKind = 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'apiMissing';

export interface ClusterError {
  kind: ClusterErrorKind;
  /** One sentence naming the server and what to do; never credentials. */
  reason: string;
}

const networkReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
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

function innermost<T>(error: unknown, is: (e: unknown) => e is T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (is(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The kind of a cluster error, or null when it is not about reaching the cluster (a 409, a 500 or 429 of a busy API
 * server, a bug): those are retried as they are.
 */
export function classifyClusterError(error: unknown, server: string): ClusterError | null {
  const api = innermost(error, (e): e is { message?: string } => statusCode(e) !== undefined);
  if (api) {
    const status = statusCode(api)!;
    const message = String(api.message ?? '');
    if (status === 401) return { kind: 'unauthorized', reason: `unauthorized (401): ${server} rejected the credentials; replace them with PATCH /v1/clusters/:name` };
    if (status === 403) return { kind: 'forbidden', reason: `forbidden (403): the credentials may not do what Cutover needs at ${server} (${message.slice(0, 160)})` };
    // A GET that throws 404 is a list (single reads answer null) or a watch: the resource type itself is not served.
    if (status === 404 && (/^GET /.test(message) || /could not find the requested resource/.test(message) || !(api instanceof KubeApiError))) {
      return { kind: 'apiMissing', reason: `an API Cutover needs is not served by ${server}: ${message.slice(0, 200)} (install it, e.g. the Gateway API or an Ingress controller's CRDs)` };
    }
    return null;
  }
  for (const code of errorCodes(error)) {
    if (tlsReasons[code]) return { kind: 'tls', reason: `TLS: ${tlsReasons[code]} (${server})` };
    if (networkReasons[code]) return { kind: 'unreachable', reason: `unreachable: ${networkReasons[code]} (${server})` };
    if (code.startsWith('ERR_TLS') || code.includes('CERT')) return { kind: 'tls', reason: `TLS: ${code} (${server})` };
  }
  const noAnswer = innermost(error, (e): e is NoAnswerError => e instanceof NoAnswerError);
  if (noAnswer) return { kind: 'unreachable', reason: `unreachable: ${noAnswer.message} (${server})` };
  return null;
}
