// The job, web and http analysis providers on the real worker and simulator: a Job that completes passes (its log's
// last lines kept), one that fails rolls the canary back; a web endpoint read through a JSONPath; an HTTP probe.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, releaseSpec, seedApp, seedRelease, simList, startStack, startWorker, waitPhase, type Stack } from './worker-harness';

const canary = (analysis: unknown) => ({ type: 'Canary', steps: [{ setWeight: 50 }, { analysis }], progressDeadlineSeconds: 60 });

describe('analysis providers: job, web, http', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let web: Server;
  let webUrl: string;
  const rate = 0.99;

  beforeAll(async () => {
    stack = await startStack('an-prov');
    worker = await startWorker(stack);
    web = createServer((req, res) => {
      res.writeHead(req.url === '/down' ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { rate: String(rate), series: [] } }));
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => web?.close(resolve));
    await worker?.close();
    await stack?.stop();
  });

  async function rollout(app: string, analysis: unknown) {
    const s = await seedApp(stack, app, { replicas: 2 });
    for (const v of ['1.0.0', '1.1.0']) await seedRelease(stack, s, v, releaseSpec(`example/${app}:${v}`));
    await waitPhase(stack, await deploy(stack, s, '1.0.0', canary(analysis), null), ['Succeeded']);
    const id = await deploy(stack, s, '1.1.0', canary(analysis), '1.0.0');
    return { s, id };
  }
  const rows = (deploymentId: string) => stack.prisma.analysisMeasurement.findMany({ where: { deploymentId }, orderBy: { id: 'asc' } });

  it('job: a Job that completes passes, with its last log lines; one that fails rolls back', async () => {
    const ok = await rollout('jobok', { metrics: [{ name: 'smoke', provider: { job: { image: 'example/smoke:v1', command: ['./smoke'] } } }] });
    await waitPhase(stack, ok.id, ['Succeeded'], 40_000);
    const [m] = await rows(ok.id);
    expect(m).toMatchObject({ provider: 'job', phase: 'Successful', value: '"Complete"' });
    expect(m!.message).toMatch(/last lines: .*exited with code 0/);
    const jobs = simList(stack, 'jobs', ok.s.namespace).filter((j) => j.metadata.labels?.['cutover.dev/role'] === 'analysis');
    expect(jobs).toHaveLength(1);

    const bad = await rollout('jobbad', { metrics: [{ name: 'smoke', provider: { job: { image: 'example/smoke:fail' } } }] });
    const ended = await waitPhase(stack, bad.id, ['RolledBack'], 40_000);
    expect(ended.failure?.code).toBe('AnalysisFailed');
    expect((await rows(bad.id))[0]).toMatchObject({ phase: 'Failed', value: '"Failed"' });
  });

  it('web: a JSONPath into the answer (numeric strings are numbers); a 503 is an error with its reason', async () => {
    const ok = await rollout('webok', { metrics: [{ name: 'rate', provider: { web: { url: `${webUrl}/rate`, jsonPath: '$.data.rate' } }, successCondition: 'result >= 0.95', interval: '1s', count: 2 }] });
    await waitPhase(stack, ok.id, ['Succeeded'], 40_000);
    expect((await rows(ok.id)).map((r) => [r.phase, r.value, r.query])).toEqual([
      ['Successful', '0.99', `GET ${webUrl}/rate $.data.rate`],
      ['Successful', '0.99', `GET ${webUrl}/rate $.data.rate`],
    ]);
    const empty = await rollout('webempty', { metrics: [{ name: 'rate', provider: { web: { url: `${webUrl}/rate`, jsonPath: '$.data.series[0]' } }, successCondition: 'result >= 0.95' }] });
    const paused = await waitPhase(stack, empty.id, ['Paused'], 40_000);
    expect(paused.pauseReason).toBe('Inconclusive');
    const down = await rollout('webdown', { metrics: [{ name: 'rate', provider: { web: { url: `${webUrl}/down`, jsonPath: '$.data.rate' } }, successCondition: 'result >= 0.95', consecutiveErrorLimit: 0 }] });
    await waitPhase(stack, down.id, ['RolledBack'], 40_000);
    expect((await rows(down.id))[0]).toMatchObject({ phase: 'Error', message: expect.stringContaining('503') });
  });

  it('http: the status code is the result', async () => {
    const ok = await rollout('httpok', { metrics: [{ name: 'up', provider: { http: { url: `${webUrl}/rate` } } }] });
    await waitPhase(stack, ok.id, ['Succeeded'], 40_000);
    expect((await rows(ok.id))[0]).toMatchObject({ phase: 'Successful', value: '200' });
  });
});
