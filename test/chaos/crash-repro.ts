// Issue 15 §1, as found: ten rollouts (5 canary by replicas with a 1 s pause, 5 blue/green with auto-promotion
// after 1 s) started together; the worker SIGKILLed four times 0.7–1.6 s apart, a fresh worker started after each.
// Passes when every rollout succeeds within 30 s of the last kill. Also measures, for every deployment still active
// at the last kill, the time from the replacement worker being ready to that deployment's next tick (the BullMQ
// events stream of the private Redis: the first `completed` of its job).
import { ChaosClient, ENDED, releaseBody } from './chaos-client';
import { log, sleep, spawnWorker, until, type ProductEnv, type Proc } from './chaos-stack';
import { queueEventsSince } from './chaos-redis';

export interface ReproResult {
  run: number;
  succeeded: number;
  total: number;
  /** Per rollout: ms from the last kill to Succeeded (null when it did not succeed in time). */
  afterLastKillMs: Array<number | null>;
  /** Per deployment active at the last kill: ms from the replacement worker ready to its next completed tick. */
  tickAfterReadyMs: number[];
  phases: string[];
}

const CANARY = { type: 'Canary', steps: [{ setWeight: 50 }, { pause: { duration: 1 } }, { setWeight: 100 }] };
// The warm window (scaleDownDelaySeconds, 30 s by default) alone would outlast "within 30 s of the last kill".
const BLUE_GREEN = { type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 1, scaleDownDelaySeconds: 1 };

export interface ReproContext {
  env: ProductEnv;
  client: ChaosClient;
  cluster: string;
  worker: { current: Proc };
  workerSettings: { reconcileIntervalMs: number };
}

export async function runCrashRepro(ctx: ReproContext, run: number, seed: number): Promise<ReproResult> {
  const { client } = ctx;
  let x = seed;
  const random = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const apps: Array<{ name: string; strategy: unknown }> = [];
  for (let i = 0; i < 10; i++) apps.push({ name: `repro${run}-${i}`, strategy: i < 5 ? CANARY : BLUE_GREEN });
  for (const a of apps) {
    await client.ok('POST', '/v1/apps', { name: a.name });
    await client.ok('POST', `/v1/apps/${a.name}/environments`, { name: 'prod', cluster: ctx.cluster, namespace: `repro${run}`, replicas: 3, strategy: a.strategy, service: { port: 80, targetPort: 8080 } });
    await client.ok('POST', `/v1/apps/${a.name}/releases`, releaseBody('1.0.0', `example/${a.name}:1.0.0`));
    await client.ok('POST', `/v1/apps/${a.name}/releases`, releaseBody('2.0.0', `example/${a.name}:2.0.0`));
  }
  // What serves before: 1.0.0 everywhere (a first deployment goes straight to serving).
  const first = await Promise.all(apps.map((a) => client.ok('POST', '/v1/deployments', { app: a.name, environment: 'prod', release: '1.0.0' })));
  await waitEnded(client, first.map((d) => d.id as string), 90_000);

  const ids = (await Promise.all(apps.map((a) => client.ok('POST', '/v1/deployments', { app: a.name, environment: 'prod', release: '2.0.0' })))).map((d) => d.id as string);
  const seen = new Map<string, { phase: string; at: number }>();
  const watcher = watchPhases(client, ids, seen);

  let lastKill = 0;
  let ready: Promise<void> = Promise.resolve();
  for (let k = 0; k < 4; k++) {
    await sleep(700 + Math.round(random() * 900));
    const victim = ctx.worker.current;
    await victim.kill('SIGKILL');
    lastKill = Date.now();
    log(`run ${run}: kill ${k + 1}/4 of ${victim.name} (${victim.readyAt ? 'ready' : 'still starting'})`);
    // The fresh worker is the next victim whether or not it finished starting, as `npm run start:worker` would be.
    const next = spawnWorker(ctx.env, `worker-r${run}k${k + 1}`, ctx.workerSettings);
    next.ready.catch(() => undefined);
    ctx.worker.current = next.proc;
    ready = next.ready;
  }
  await ready;
  const replacement = ctx.worker.current;
  const readyAt = replacement.readyAt!;
  const activeAtLastKill = ids.filter((id) => !ENDED.includes(seen.get(id)?.phase ?? 'Pending'));

  await until('every rollout to end', () => (ids.every((id) => ENDED.includes(seen.get(id)?.phase ?? '')) ? true : undefined), lastKill + 30_000 - Date.now() + 5_000, 200).catch(() => undefined);
  watcher.stop();
  await watcher.done;

  const events = await queueEventsSince(ctx.env, readyAt);
  const tickAfterReadyMs = activeAtLastKill.map((id) => {
    const first = events.find((e) => e.jobId === id && e.event === 'completed');
    return first ? first.at - readyAt : Number.POSITIVE_INFINITY;
  });
  const afterLastKillMs = ids.map((id) => {
    const s = seen.get(id);
    return s?.phase === 'Succeeded' && s.at - lastKill <= 30_000 ? Math.max(0, s.at - lastKill) : null;
  });
  if (process.env.CHAOS_VERBOSE) {
    for (const id of ids) {
      const d = (await client.call('GET', `/v1/deployments/${id}`)).body;
      log(`${d.app} ${d.phase} seen ${JSON.stringify(seen.get(id))} lastKill ${lastKill} ready ${readyAt}: ${(d.events as Array<{ type: string; at?: string; createdAt?: string; message: string }>).slice(-6).map((e) => `${e.type}@${e.at ?? e.createdAt}`).join(' ')}`);
    }
  }
  return {
    run,
    succeeded: afterLastKillMs.filter((v) => v !== null).length,
    total: ids.length,
    afterLastKillMs,
    tickAfterReadyMs,
    phases: ids.map((id) => seen.get(id)?.phase ?? '?'),
  };
}

export async function waitEnded(client: ChaosClient, ids: string[], timeoutMs: number): Promise<Record<string, string>> {
  const phases: Record<string, string> = {};
  await until(`${ids.length} deployments to end`, async () => {
    for (const id of ids) {
      if (ENDED.includes(phases[id] ?? '')) continue;
      phases[id] = (await client.ok('GET', `/v1/deployments/${id}`)).phase as string;
    }
    return ids.every((id) => ENDED.includes(phases[id]!)) ? true : undefined;
  }, timeoutMs, 250);
  return phases;
}

/** Polls every deployment's phase; records when each phase was first seen. */
function watchPhases(client: ChaosClient, ids: string[], seen: Map<string, { phase: string; at: number }>): { stop(): void; done: Promise<void> } {
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      await Promise.all(
        ids.map(async (id) => {
          if (ENDED.includes(seen.get(id)?.phase ?? '')) return;
          const d = await client.call('GET', `/v1/deployments/${id}`).catch(() => null);
          const phase = d?.status === 200 ? (d.body.phase as string) : undefined;
          if (phase && seen.get(id)?.phase !== phase) seen.set(id, { phase, at: Date.now() });
        }),
      );
      await sleep(100);
    }
  })();
  return { stop: () => (stopped = true), done };
}
