import { describe, expect, it } from 'vitest';
import { kubeConfigFromCredentials, parseKubeconfig } from './cluster-credentials';

const kubeconfig = (overrides: { user?: string; cluster?: string; current?: string } = {}) => `
apiVersion: v1
kind: Config
current-context: ${overrides.current ?? 'sandbox'}
contexts:
  - name: sandbox
    context: { cluster: sim, user: admin, namespace: apps }
clusters:
  - name: sim
    cluster:
      server: https://127.0.0.1:6443
${overrides.cluster ?? '      insecure-skip-tls-verify: true'}
users:
  - name: admin
    user:
${overrides.user ?? '      token: abc'}
`;

describe('parseKubeconfig', () => {
  it('summarises a usable kubeconfig', () => {
    expect(parseKubeconfig(kubeconfig())).toEqual({ ok: true, value: { server: 'https://127.0.0.1:6443', context: 'sandbox', namespace: 'apps' } });
  });

  it.each([
    ['not YAML', 'a: [unclosed', 'yaml'],
    ['a scalar', 'just text', 'yaml'],
    ['no current context', kubeconfig({ current: '""' }), 'currentContext'],
    ['a missing context', kubeconfig({ current: 'other' }), 'context'],
    ['a context without cluster', 'current-context: a\ncontexts: [{name: a, context: {cluster: nope}}]\nclusters: []', 'cluster'],
    ['a cluster without server', 'current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]', 'server'],
    ['an exec plugin', kubeconfig({ user: '      exec: { command: /bin/sh, apiVersion: client.authentication.k8s.io/v1 }' }), 'pluginNotAllowed'],
    ['a token file', kubeconfig({ user: '      tokenFile: /etc/passwd' }), 'fileReference'],
    ['a CA file', kubeconfig({ cluster: '      certificate-authority: /etc/ssl/ca.pem\n      insecure-skip-tls-verify: true' }), 'fileReference'],
    ['plain http without skipping TLS', 'current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]', 'plainHttp'],
  ])('refuses %s, naming kubeconfig', (_case, text, rule) => {
    const result = parseKubeconfig(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([expect.objectContaining({ path: 'kubeconfig', rule })]);
  });
});

describe('kubeConfigFromCredentials', () => {
  it('uses the current context of a kubeconfig', () => {
    const kc = kubeConfigFromCredentials({ kind: 'kubeconfig', kubeconfig: kubeconfig() });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.getCurrentUser()?.token).toBe('abc');
  });

  it('builds one from a server and a token', () => {
    const kc = kubeConfigFromCredentials({ kind: 'token', server: 'http://127.0.0.1:1', token: 't', insecureSkipTlsVerify: true });
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'http://127.0.0.1:1', skipTLSVerify: true });
    expect(kc.getCurrentUser()?.token).toBe('t');
  });
});
