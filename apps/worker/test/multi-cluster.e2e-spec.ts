// The multi-cluster stack itself (apps/worker/test/multi-cluster.testing.ts): three simulators registered as three
// labelled clusters over REST, one app with environments across them, releases rolled to all of them by a worker
// running as a process of its own — and that worker SIGKILLed mid-rollout, a new one finishing every rollout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvironmentSelectors, selectEnvironments } from '@cutover/domain';
import { MultiClusterStack, until, type EnvironmentSpec } from './multi-cluster.testing';

const ENVIRONMENTS: EnvironmentSpec[] = [
  { name: 'staging', cluster: 'eu-staging', labels: { tier: 'staging', region: 'eu' } },
  { name: 'prod-eu-1', cluster: 'eu-prod', labels: { tier: 'prod', region: 'eu' } },
  { name: 'prod-eu-2', cluster: 'eu-prod', labels: { tier: 'prod', region: 'eu' } },
  { name: 'prod-us-1', cluster: 'us-prod', labels: { tier: 'prod', region: 'us' } },
  { name: 'prod-us-2', cluster: 'us-prod', labels: { tier: 'prod', region: 'us', canary: 'true' } },
];

describe('multi-cluster stack: three simulators, three labelled clusters, one app across them', () => {
  let stack: MultiClusterStack;

  beforeAll(async () => {
    stack = await MultiClusterStack.start('mcstack', { worker: 'process' });
    await stack.createApp('globe', ENVIRONMENTS);
    await stack.release('globe', '1.0.0');
    await stack.release('globe', '1.1.0', { readyAfter: '20s' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('registers each simulator as its own cluster with labels, and environments carry theirs', async () => {
    const clusters = (await stack.ok('get', '/v1/clusters?limit=100', undefined, 200)).items as Array<{ name: string; server: string; labels: Record<string, string> }>;
    const ours = clusters.filter((c) => c.name.startsWith('mcstack-'));
    expect(ours.map((c) => [c.name, c.labels])).toEqual(stack.clusters.map((c) => [c.registered, c.labels]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(new Set(ours.map((c) => c.server)).size).toBe(3);

    const envs = (await stack.ok('get', '/v1/apps/globe/environments', undefined, 200)).items as Array<{ name: string; cluster: string; labels: Record<string, string> }>;
    const selectable = envs.map((e) => ({ ...e, cluster: { name: e.cluster, labels: stack.clusters.find((c) => c.registered === e.cluster)!.labels } }));
    const selectors = parseEnvironmentSelectors({ environmentSelector: 'tier=prod,region in (eu,us)', clusterSelector: 'region=us' });
    if (!selectors.ok) throw new Error(JSON.stringify(selectors.errors));
    expect(selectEnvironments(selectable, selectors.value).map((e) => e.name)).toEqual(['prod-us-1', 'prod-us-2']);
  });

  it('rolls a release out to every environment on its own cluster; a SIGKILLed worker is replaced and every rollout finishes', { timeout: 180_000 }, async () => {
    const names = ENVIRONMENTS.map((e) => e.name);
    await stack.deployEverywhere('globe', names, '1.0.0');
    for (const e of ENVIRONMENTS) {
      expect(stack.simDeployment(e.cluster, e.name, 'globe')?.metadata.labels['cutover.dev/release']).toBe('1.0.0');
      for (const other of stack.clusters.filter((c) => c.name !== e.cluster)) expect(stack.simDeployment(other.name, e.name, 'globe')).toBeUndefined();
    }

    // 1.1.0's pods take 20 simulated seconds (1 s here) to be ready: the kill lands mid-rollout.
    const ids: string[] = [];
    for (const environment of names) ids.push((await stack.ok('post', '/v1/deployments', { app: 'globe', environment, release: '1.1.0' }, 202)).id as string);
    await until('1.1.0 written to every cluster', () => (ENVIRONMENTS.every((e) => stack.firstWrite(e.cluster, e.name, '1.1.0')) ? true : undefined), 30_000);
    await stack.killWorkerProcess('SIGKILL');
    await stack.startWorkerProcess();
    await until('every 1.1.0 rollout to succeed after the crash', async () => {
      const rows = await stack.prisma.deployment.findMany({ where: { id: { in: ids } }, select: { phase: true } });
      return rows.every((r) => r.phase === 'Succeeded') ? true : undefined;
    }, 90_000, 200);
    for (const e of ENVIRONMENTS) expect(stack.simDeployment(e.cluster, e.name, 'globe')?.metadata.labels['cutover.dev/release']).toBe('1.1.0');
    const requests = stack.requests();
    for (const c of stack.clusters) expect(requests[c.name].total).toBeGreaterThan(0);
  });
});
