// The worker's metrics during a real canary (simulator over HTTP, real Postgres and Redis): a scraper on
// METRICS_PORT sees outcomes, step times, the reaction histogram, Kubernetes requests and tick stages fill; the api's
// phase gauge moves with the deployment.
import net from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/test-api';
import { command, deploy, releaseSpec, seedApp, seedRelease, startStack, startWorker, waitPhase, type Stack } from './worker-harness';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The value of one series (labels given as `k="v"` fragments), 0 when absent. */
function value(text: string, name: string, ...labels: string[]): number {
  const line = text.split('\n').find((l) => l.startsWith(name) && (l[name.length] === '{' || l[name.length] === ' ') && labels.every((f) => l.includes(f)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('worker metrics', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let api: TestApi;
  let port: number;
  const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const apiScrape = async () => (await request(api.server).get('/metrics').set('authorization', `Bearer ${api.bootstrapToken}`).expect(200)).text;

  beforeAll(async () => {
    stack = await startStack('metrics');
    port = await freePort();
    stack.env = { ...stack.env, METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' };
    worker = await startWorker(stack);
    api = await startTestApi({ env: { CUTOVER_QUEUE_PREFIX: stack.prefix } });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await stack?.stop();
  });

  it('fills as a canary runs: phase gauge, step and deployment durations, reaction, Kubernetes requests, tick stages', async () => {
    const strategy = { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] };
    const s = await seedApp(stack, 'metered', { replicas: 2, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec('example/metered:1.0.0'));
    await seedRelease(stack, s, '2.0.0', releaseSpec('example/metered:2.0.0'));
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);

    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await waitPhase(stack, id, ['Paused']);
    expect(value(await apiScrape(), 'cutover_deployments', 'phase="Paused"', 'strategy="Canary"')).toBe(1);
    await command(stack, id, 'promote');
    await waitPhase(stack, id, ['Succeeded']);
    expect(value(await apiScrape(), 'cutover_deployments', 'phase="Paused"', 'strategy="Canary"')).toBe(0);
    expect(value(await apiScrape(), 'cutover_deployments', 'phase="Succeeded"', 'strategy="Canary"')).toBe(2);

    const text = await scrape();
    expect(value(text, 'cutover_deployment_duration_seconds_count', 'strategy="Canary"', 'outcome="Succeeded"')).toBe(2);
    expect(value(text, 'cutover_step_duration_seconds_count', 'strategy="Canary"', 'step_kind="canary:steps"')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'cutover_reaction_seconds_count')).toBeGreaterThan(0);
    expect(value(text, 'cutover_commands_total', 'verb="promote"', 'outcome="applied"')).toBe(1);
    expect(value(text, 'cutover_kube_requests_total', 'verb="patch"', 'code="200"') + value(text, 'cutover_kube_requests_total', 'verb="put"', 'code="200"') + value(text, 'cutover_kube_requests_total', 'verb="post"', 'code="201"')).toBeGreaterThan(0);
    for (const stage of ['load', 'observe', 'commit', 'effects', 'tick', 'queueWait']) expect(value(text, 'cutover_tick_seconds_count', `stage="${stage}"`), stage).toBeGreaterThan(0);
    expect(text).toContain('# TYPE cutover_worker_process_resident_memory_bytes gauge');
    expect(text).toContain('# TYPE cutover_watch_restarts_total counter');
    expect(text).toContain('# TYPE cutover_rollbacks_total counter');
    // The reconciler's first pass (as the worker started) listed and woke; the watch cache holds the app's objects
    // (2 Deployments, their pods, the Service) — the canary's stable and canary Deployments at least.
    expect(value(text, 'cutover_reconcile_pass_seconds_count')).toBeGreaterThan(0);
    expect(value(text, 'cutover_reconcile_sweep_seconds_count')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE cutover_reconcile_woken_deployments gauge');
    expect(value(text, 'cutover_watch_cache_objects', 'kind="deployments"')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'cutover_watch_cache_objects', 'kind="services"')).toBeGreaterThanOrEqual(1);
    // The same listener answers the pod's liveness probe.
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
  });
});
