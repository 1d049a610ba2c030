import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  command,
  deploy,
  releaseSpec,
  seedApp,
  seedRelease,
  simGet,
  startStack,
  startWorker,
  until,
  waitPhase,
  type Seeded,
  type Stack,
} from './worker-harness';

const NAME = 'app.kubernetes.io/name';
const ENV = 'cutover.dev/environment';
const ROLE = 'cutover.dev/role';

type Rule = { matches?: Array<{ headers?: unknown[] }>; backendRefs: Array<{ weight: number }> };
const byHeader = (r: Rule) => (r.matches ?? []).some((m) => (m.headers ?? []).length > 0);

describe('worker: BlueGreen and Canary through the simulator', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let checks: Server;
  let checkUrl: string;
  let probes = 0;

  beforeAll(async () => {
    stack = await startStack('strat');
    worker = await startWorker(stack);
    checks = createServer((req, res) => {
      probes += 1;
      res.statusCode = req.url === '/ok' ? 200 : 500;
      res.end();
    });
    await new Promise<void>((resolve) => checks.listen(0, '127.0.0.1', resolve));
    checkUrl = `http://127.0.0.1:${(checks.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await worker?.close();
    await stack?.stop();
    await new Promise((resolve) => checks?.close(resolve));
  });

  async function serving(app: string, replicas: number, strategy: unknown): Promise<Seeded> {
    const s = await seedApp(stack, app, { replicas, strategy });
    await seedRelease(stack, s, '1.0.0', releaseSpec(`example/${app}:1.0.0`));
    await seedRelease(stack, s, '2.0.0', releaseSpec(`example/${app}:2.0.0`));
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null), ['Succeeded']);
    return s;
  }

  it('BlueGreen: preview, pre-promotion check, promote, switch, warm window, old colour scaled to zero', async () => {
    const strategy = {
      type: 'BlueGreen',
      scaleDownDelaySeconds: 1,
      prePromotionChecks: [{ name: 'smoke', url: `${checkUrl}/ok`, count: 2, interval: 0.1, timeout: 1 }],
    };
    const s = await serving('bg', 2, strategy);
    const active = simGet(stack, 'services', s.namespace, 'bg')!;
    const old = active.spec.selector[ROLE] as 'blue' | 'green';
    const fresh = old === 'blue' ? 'green' : 'blue';
    expect(simGet(stack, 'deployments', s.namespace, `bg-${old}`)!.spec.replicas).toBe(2);

    const probesBefore = probes;
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const paused = await waitPhase(stack, id, ['Paused']);
    expect(paused.pauseReason).toBe('AwaitingPromotion');
    expect(probes - probesBefore).toBe(2);
    const next = simGet(stack, 'deployments', s.namespace, `bg-${fresh}`)!;
    expect(next.spec.replicas).toBe(2);
    expect(next.metadata.labels['cutover.dev/release']).toBe('2.0.0');
    expect(next.status.availableReplicas).toBe(2);
    expect(simGet(stack, 'services', s.namespace, 'bg-preview')!.spec.selector).toEqual({ [NAME]: 'bg', [ENV]: 'prod', [ROLE]: fresh });
    expect(simGet(stack, 'services', s.namespace, 'bg')!.spec.selector[ROLE]).toBe(old);
    const events = await stack.prisma.deploymentEvent.findMany({ where: { deploymentId: id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.type)).toContain('CheckPassed');

    await command(stack, id, 'promote');
    // Inside the warm window the active Service already selects the new colour while the old one still runs.
    await until('active Service to select the new colour', () => (simGet(stack, 'services', s.namespace, 'bg')!.spec.selector[ROLE] === fresh ? true : undefined));
    await waitPhase(stack, id, ['Succeeded']);
    await until('old colour scaled to zero', () => (simGet(stack, 'deployments', s.namespace, `bg-${old}`)!.spec.replicas === 0 ? true : undefined));
    const promote = await stack.prisma.deploymentCommand.findFirstOrThrow({ where: { deploymentId: id } });
    expect(promote).toMatchObject({ status: 'applied' });
  });

  it('BlueGreen refuses, before creating anything, when a second full colour does not fit the nodes', async () => {
    // 4 simulated nodes of 4 CPU: four 3-CPU pods fit once (one a node), a second colour of four does not.
    const strategy = { type: 'BlueGreen', scaleDownDelaySeconds: 1 };
    const big = (version: string) => {
      const spec = releaseSpec(`example/bgfit:${version}`);
      spec.podSpec.containers[0]!.resources = { requests: { cpu: '3' } };
      return spec;
    };
    const s = await seedApp(stack, 'bgfit', { replicas: 4, strategy });
    await seedRelease(stack, s, '1.0.0', big('1.0.0'));
    await seedRelease(stack, s, '2.0.0', big('2.0.0'));
    const podRequests = { cpuMillis: 3000, memoryBytes: 0 };
    await waitPhase(stack, await deploy(stack, s, '1.0.0', strategy, null, { podRequests }), ['Succeeded']);
    const active = simGet(stack, 'services', s.namespace, 'bgfit')!.spec.selector[ROLE] as 'blue' | 'green';
    const other = active === 'blue' ? 'green' : 'blue';

    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0', { podRequests });
    const failed = await waitPhase(stack, id, ['Failed']);
    expect(failed.failure?.reason).toMatch(/a second full colour needs .*cluster has .* free/);
    // Nothing changed: no second colour, the active Service and the old colour untouched.
    expect(simGet(stack, 'deployments', s.namespace, `bgfit-${other}`)?.spec.replicas ?? 0).toBe(0);
    expect(simGet(stack, 'services', s.namespace, 'bgfit')!.spec.selector[ROLE]).toBe(active);
    expect(simGet(stack, 'deployments', s.namespace, `bgfit-${active}`)!.status.availableReplicas).toBe(4);
  });

  it('Canary by replicas: ceil(N·w/100) canary pods beside a full stable, pauses, promote, finish', async () => {
    const strategy = { type: 'Canary', steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: 0.5 } }, { setWeight: 100 }] };
    const s = await serving('cr', 4, strategy);
    expect(simGet(stack, 'deployments', s.namespace, 'cr-stable')!.spec.replicas).toBe(4);
    expect(simGet(stack, 'services', s.namespace, 'cr')!.spec.selector).toEqual({ [NAME]: 'cr', [ENV]: 'prod' });

    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    const paused = await waitPhase(stack, id, ['Paused']);
    expect(paused.pauseReason).toBe('PauseStep');
    const canary = simGet(stack, 'deployments', s.namespace, 'cr-canary')!;
    expect(canary.spec.replicas).toBe(1);
    expect(canary.metadata.labels['cutover.dev/release']).toBe('2.0.0');
    expect(simGet(stack, 'deployments', s.namespace, 'cr-stable')!.spec.replicas).toBe(4);

    await command(stack, id, 'promote');
    await until('canary at 50% (2 pods)', () => (simGet(stack, 'deployments', s.namespace, 'cr-canary')!.spec.replicas === 2 ? true : undefined));
    expect(simGet(stack, 'deployments', s.namespace, 'cr-stable')!.spec.replicas).toBe(4);
    await waitPhase(stack, id, ['Succeeded']);
    await until('canary scaled to zero', () => (simGet(stack, 'deployments', s.namespace, 'cr-canary')!.spec.replicas === 0 ? true : undefined));
    const stable = simGet(stack, 'deployments', s.namespace, 'cr-stable')!;
    expect(stable.metadata.labels['cutover.dev/release']).toBe('2.0.0');
    expect(stable.spec.template.spec.containers[0].image).toBe('example/cr:2.0.0');
    expect(stable.spec.replicas).toBe(4);
  });

  it('Canary by NGINX: canary Ingress weight and header per step, promote full, all traffic back on stable', async () => {
    const strategy = {
      type: 'Canary',
      trafficRouting: { type: 'nginx', host: 'shop.example.com', ingressClassName: 'nginx', header: { name: 'X-Canary', value: 'always' } },
      steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: {} }],
    };
    const s = await serving('cn', 5, strategy);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await waitPhase(stack, id, ['Paused']);
    const canaryIngress = () => simGet(stack, 'ingresses', s.namespace, 'cn-canary')!;
    // The effects of the tick that paused run right after it commits.
    await until('canary route at 20 with the header rule', () => (canaryIngress()?.metadata.annotations['nginx.ingress.kubernetes.io/canary-by-header'] ? true : undefined));
    expect(canaryIngress().metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '20',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'always',
    });
    expect(canaryIngress().spec.rules[0].http.paths[0].backend.service.name).toBe('cn-canary');
    expect(simGet(stack, 'ingresses', s.namespace, 'cn')!.spec.rules[0].http.paths[0].backend.service.name).toBe('cn-stable');
    expect(simGet(stack, 'services', s.namespace, 'cn-canary')!.spec.selector).toEqual({ [NAME]: 'cn', [ENV]: 'prod', [ROLE]: 'canary' });
    expect(simGet(stack, 'deployments', s.namespace, 'cn-canary')!.spec.replicas).toBe(1);

    await command(stack, id, 'promote');
    await until('canary weight 60', () => (canaryIngress().metadata.annotations['nginx.ingress.kubernetes.io/canary-weight'] === '60' ? true : undefined));
    expect(simGet(stack, 'deployments', s.namespace, 'cn-canary')!.spec.replicas).toBe(3);
    await waitPhase(stack, id, ['Paused']);
    await command(stack, id, 'promote', { full: true });
    await waitPhase(stack, id, ['Succeeded']);
    // The last effects of the finishing tick run right after it commits.
    await until('canary scaled to zero', () => (simGet(stack, 'deployments', s.namespace, 'cn-canary')!.spec.replicas === 0 ? true : undefined));
    expect(canaryIngress().metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('0');
    expect(simGet(stack, 'deployments', s.namespace, 'cn-stable')!.metadata.labels['cutover.dev/release']).toBe('2.0.0');
  });

  it('Canary by Gateway API: HTTPRoute backendRef weights and the header rule', async () => {
    const strategy = {
      type: 'Canary',
      trafficRouting: { type: 'gatewayApi', parentRef: { name: 'edge', namespace: 'infra' }, header: { name: 'X-Canary', value: 'always' } },
      steps: [{ setWeight: 30 }, { pause: {} }],
    };
    const s = await serving('cg', 3, strategy);
    const id = await deploy(stack, s, '2.0.0', strategy, '1.0.0');
    await waitPhase(stack, id, ['Paused']);
    await until('the HTTPRoute at 30', () => (simGet(stack, 'httproutes', s.namespace, 'cg')?.spec.rules.length === 2 ? true : undefined));
    const route = simGet(stack, 'httproutes', s.namespace, 'cg')!;
    expect(route.spec.parentRefs).toMatchObject([{ name: 'edge', namespace: 'infra' }]);
    const weighted = route.spec.rules.find((r: Rule) => !byHeader(r));
    expect(weighted.backendRefs).toMatchObject([
      { name: 'cg-stable', port: 80, weight: 70 },
      { name: 'cg-canary', port: 80, weight: 30 },
    ]);
    const header = route.spec.rules.find(byHeader);
    expect(header.matches[0].headers[0]).toMatchObject({ name: 'X-Canary', value: 'always' });

    await command(stack, id, 'abort');
    await waitPhase(stack, id, ['Aborted']);
    await until('all traffic on stable', () => {
      const r = simGet(stack, 'httproutes', s.namespace, 'cg')!;
      const w = r.spec.rules.find((x: Rule) => !byHeader(x));
      return w.backendRefs[1].weight === 0 && simGet(stack, 'deployments', s.namespace, 'cg-canary')!.spec.replicas === 0 ? true : undefined;
    });
    expect(simGet(stack, 'deployments', s.namespace, 'cg-stable')!.metadata.labels['cutover.dev/release']).toBe('1.0.0');
  });
});
