// Live events end to end: the worker commits a canary's timeline against the simulator; two api processes (one in
// this process, one a child process) stream it over SSE through Redis nudges and Postgres reads. Every client sees
// every event once, in position order; a client that disconnects resumes with Last-Event-ID and misses nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSse, type SseFrame } from '@cutover/testing';
import { startTestApi, type TestApi } from '../../api/test/test-api';
import { releaseSpec, seedApp, seedRelease, startStack, startWorker, until, type Stack } from './worker-harness';

const root = path.resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface ChildApi {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** The api as its own process (apps/api/src/main.ts), on the same database, Redis prefix and bootstrap token. */
async function startChildApi(env: NodeJS.ProcessEnv): Promise<ChildApi> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['-r', path.join(root, 'scripts/ts-register.cjs'), path.join(root, 'apps/api/src/main.ts')], {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(`the child api on ${url}`, () => fetch(`${url}/healthz`).then((r) => (r.ok ? true : undefined), () => undefined), 200_000, 200);
  } catch (error) {
    // Never leave it running when it did not come up in time.
    proc.kill('SIGKILL');
    throw new Error(`${String(error)}; its stderr: ${stderr.slice(-500)}`, { cause: error });
  }
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

const positions = (frames: SseFrame[]) => frames.map((f) => BigInt(f.id!));
const increasing = (xs: bigint[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);

describe('live events: worker → Redis nudge → two api processes → SSE clients', () => {
  let stack: Stack;
  let api: TestApi;
  let other: ChildApi;
  let worker: INestApplicationContext;
  let admin: string;
  const auth = () => ({ authorization: `Bearer ${admin}` });

  beforeAll(async () => {
    stack = await startStack('live');
    api = await startTestApi({ env: { CUTOVER_QUEUE_PREFIX: stack.prefix } });
    other = await startChildApi({ ...process.env, CUTOVER_QUEUE_PREFIX: stack.prefix, CUTOVER_BOOTSTRAP_TOKEN: api.bootstrapToken });
    worker = await startWorker(stack);
    admin = await api.token('admin');
  }, 240_000);

  afterAll(async () => {
    await worker?.close();
    await other?.stop();
    await api?.close();
    await stack?.stop();
  });

  it('streams a canary through promote to clients of both apis, in order, once; a reconnect resumes with nothing missed or repeated', async () => {
    const s = await seedApp(stack, 'live', { replicas: 3, strategy: { type: 'Canary', steps: [{ setWeight: 34 }, { pause: {} }, { setWeight: 100 }] } });
    for (const v of ['1.0.0', '1.1.0']) await seedRelease(stack, s, v, releaseSpec(`example/live:${v}`));
    const first = await request(api.server).post('/v1/deployments').set(auth()).send({ app: 'live', environment: 'prod', release: '1.0.0' }).expect(202);
    await until('the first release to succeed', async () => ((await stack.prisma.deployment.findUniqueOrThrow({ where: { id: first.body.id } })).phase === 'Succeeded' ? true : undefined));

    // Feed clients on both processes, connected before the deployment starts (no history: only what comes next).
    const feedHere = await connectSse(`${api.url}/v1/events?app=live`, auth());
    const feedThere = await connectSse(`${other.url}/v1/events?app=live&environment=prod`, auth());
    const ignored = await connectSse(`${other.url}/v1/events?app=someone-else`, auth());
    expect([feedHere.status, feedThere.status]).toEqual([200, 200]);
    expect(feedHere.headers['content-type']).toMatch(/^text\/event-stream/);

    const second = await request(api.server).post('/v1/deployments').set(auth()).send({ app: 'live', environment: 'prod', release: '1.1.0', reason: 'live test' }).expect(202);
    const id = second.body.id as string;
    // One deployment's stream on the other process, from its beginning.
    const deploymentThere = await connectSse(`${other.url}/v1/deployments/${id}/events?after=0`, auth());
    // And one that will be cut off mid-rollout.
    const cut = await connectSse(`${api.url}/v1/deployments/${id}/events`, auth());

    await until('the canary to pause', async () => ((await stack.prisma.deployment.findUniqueOrThrow({ where: { id } })).phase === 'Paused' ? true : undefined));
    await cut.waitFor(2);
    cut.close();
    const lastSeen = cut.frames[cut.frames.length - 1]!;

    await request(api.server).post(`/v1/deployments/${id}/promote`).set(auth()).send({ reason: 'ok' }).expect(202);
    // The deployment's own streams end with its terminal event.
    await deploymentThere.ended;
    const resumed = await connectSse(`${other.url}/v1/deployments/${id}/events`, { ...auth(), 'last-event-id': lastSeen.id! });
    await resumed.ended;

    const truth = await stack.prisma.deploymentEvent.findMany({ where: { deploymentId: id }, orderBy: { position: 'asc' } });
    const expected = truth.map((e) => `${e.position}:${e.type}`);
    const seen = (frames: SseFrame[]) => frames.map((f) => `${f.id}:${f.event}`);
    // The feeds may also carry the first deployment's last events (settled after the feeds connected).
    const ofSecond = (frames: SseFrame[]) => frames.filter((f) => (JSON.parse(f.data) as { deploymentId: string }).deploymentId === id);
    expect(truth.map((e) => e.type)).toEqual(expect.arrayContaining(['Created', 'StepCompleted', 'CommandApplied', 'PhaseChanged']));
    expect(seen(deploymentThere.frames)).toEqual(expected);
    expect(seen([...cut.frames, ...resumed.frames])).toEqual(expected);
    expect(JSON.parse(deploymentThere.frames.at(-1)!.data)).toMatchObject({ deploymentId: id, app: 'live', environment: 'prod', phase: 'Succeeded', release: '1.1.0' });

    // Feed clients on both processes got the same events (the first deployment's ended before they connected).
    await until('the feeds to catch up', () => (ofSecond(feedHere.frames).length >= truth.length && ofSecond(feedThere.frames).length >= truth.length ? true : undefined), 15_000);
    expect(seen(ofSecond(feedHere.frames))).toEqual(expected);
    expect(seen(ofSecond(feedThere.frames))).toEqual(expected);
    expect(increasing(positions(feedThere.frames))).toBe(true);
    expect(ignored.frames).toEqual([]);

    // The data carries the deployment as it was at each event: the paused step, per-side replicas, the weight.
    const paused = feedThere.frames.map((f) => JSON.parse(f.data)).find((d) => d.phase === 'Paused');
    expect(paused).toMatchObject({ deploymentId: id, cluster: expect.any(String), pauseReason: 'PauseStep', step: { index: 1 } });
    expect(paused.sides.map((side: { side: string }) => side.side).sort()).toEqual(['canary', 'stable']);
    expect(paused.weight).toBeGreaterThan(0);
    const applied = feedHere.frames.map((f) => JSON.parse(f.data)).find((d) => d.type === 'CommandApplied');
    expect(applied.actor).toMatch(/^test-admin/);

    for (const c of [feedHere, feedThere, ignored]) c.close();
  }, 180_000);
});
