import { describe, expect, it } from 'vitest';
import { KubeApiError, NoAnswerError } from '../gateway/kube-client';
import { classifyClusterError } from './cluster-errors';

const server = 'https://k8s.example:6443';
const sys = (code: string) => Object.assign(new Error(code), { code });

describe('classifyClusterError', () => {
  it.each([
    ['connection refused', sys('ECONNREFUSED'), 'unreachable', /^unreachable: connection refused \(https:\/\/k8s\.example:6443\)/],
    ['host not found', sys('ENOTFOUND'), 'unreachable', /host not found/],
    ['nested cause', Object.assign(new Error('fetch failed'), { cause: sys('ECONNRESET') }), 'unreachable', /connection reset/],
    ['no answer', new NoAnswerError(5000, 'GET /api/v1/pods'), 'unreachable', /no answer within 5000 ms/],
    ['self-signed', sys('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls', /^TLS: .*self-signed.*set caData/],
    ['other certificate trouble', sys('ERR_TLS_WHATEVER'), 'tls', /^TLS: ERR_TLS_WHATEVER/],
    ['401', new KubeApiError(401, 'Unauthorized', 'GET /api/v1/namespaces/x → 401: Unauthorized'), 'unauthorized', /^unauthorized \(401\).*PATCH \/v1\/clusters/],
    ['403', new KubeApiError(403, 'Forbidden', 'POST /apis/apps/v1/namespaces/x/deployments → 403: forbidden'), 'forbidden', /^forbidden \(403\)/],
    ['404 of a list', new KubeApiError(404, 'NotFound', 'GET /apis/gateway.networking.k8s.io/v1/namespaces/x/httproutes → 404: the server could not find the requested resource'), 'apiMissing', /not served by/],
    ['404 of a watch', Object.assign(new Error('Not Found'), { statusCode: 404 }), 'apiMissing', /not served by/],
  ])('%s', (_, error, kind, reason) => {
    const c = classifyClusterError(error, server);
    expect(c?.kind).toBe(kind);
    expect(c?.reason).toMatch(reason);
  });

  it.each([
    ['a busy API server (500)', new KubeApiError(500, 'InternalError', 'PUT /apis/apps/v1/namespaces/x/deployments/a → 500: injected')],
    ['throttling (429)', new KubeApiError(429, 'TooManyRequests', 'GET /api/v1/pods → 429')],
    ['a conflict (409)', new KubeApiError(409, 'Conflict', 'PUT /apis/apps/v1/namespaces/x/deployments/a → 409')],
    ['a 404 of one object being written', new KubeApiError(404, 'NotFound', 'PUT /apis/apps/v1/namespaces/x/deployments/a → 404: deployments.apps "a" not found')],
    ['a bug', new TypeError('x is undefined')],
  ])('leaves %s to the ordinary retry', (_, error) => {
    expect(classifyClusterError(error, server)).toBeNull();
  });
});
