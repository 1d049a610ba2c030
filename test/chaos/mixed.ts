// Issue 15 §3: mixed rollouts under one kind of fault (or all together). Every strategy — Recreate, RollingUpdate,
// blue/green with auto-promotion, canary with a timed pause, canary with a manual pause (the suite promotes it) — and
// a few broken releases (`:broken` images: CrashLoopBackOff → automatic rollback). The fault runs for a window
// while the rollouts run, then stops; the stack must then bring every rollout to the end its release deserves.
// Checked after each phase, from Postgres (the truth) and from what a live-feed client saw:
//   wrong ends (good → Succeeded, broken → RolledBack), commands applied twice (a CommandApplied event per command
//   id at most; one command row per promote the suite got a 2xx for, however many times a request was retried),
//   effects left pending, events a resuming SSE client missed or got twice, and the audit chain's verdict.
import { Client as PgClient } from 'pg';
import { connectSse, type SseClient } from '../../libs/testing/src/sse-client';
import { ChaosClient, ENDED, releaseBody } from './chaos-client';
import { log, redisCli, sleep, spawnWorker, startApi, until, type PostgresServer, type ProductEnv, type Proc, type RedisServer, type Sim } from './chaos-stack';

export type FaultKind = 'worker-kill' | 'api-kill' | 'redis-flush' | 'pg-restart' | 'sim-faults' | 'all';
export const FAULT_KINDS: FaultKind[] = ['worker-kill', 'api-kill', 'redis-flush', 'pg-restart', 'sim-faults', 'all'];

export interface ChaosStack {
  env: ProductEnv;
  pg: PostgresServer;
  redis: RedisServer;
  sim: Sim;
  apis: Array<{ proc: Proc; url: string }>;
  workers: Proc[];
  workerSettings: { reconcileIntervalMs: number; concurrency: number };
  client: ChaosClient;
}

export interface PhaseResult {
  fault: FaultKind;
  rollouts: number;
  broken: number;
  wrongEnds: string[];
  doubledCommands: number;
  pendingEffects: number;
  lostEvents: number;
  repeatedEvents: number;
  auditValid: boolean;
  faultsInjected: number;
  requestRetries: number;
  /** Per rollout still active when the faults stopped: ms from then to its end. */
  recoveryMs: number[];
  seconds: number;
}

type Kind = 'recreate' | 'rolling' | 'blue-green' | 'canary-timed' | 'canary-manual';
const KINDS: Kind[] = ['recreate', 'rolling', 'blue-green', 'canary-timed', 'canary-manual'];
const STRATEGY: Record<Kind, unknown> = {
  recreate: { type: 'Recreate' },
  rolling: { type: 'RollingUpdate', maxSurge: '50%', maxUnavailable: 0 },
  'blue-green': { type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 1, scaleDownDelaySeconds: 1 },
  'canary-timed': { type: 'Canary', steps: [{ setWeight: 50 }, { pause: { duration: 1 } }, { setWeight: 100 }] },
  'canary-manual': { type: 'Canary', steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] },
};
/** Kinds whose broken release ends RolledBack by itself (the others would wait for a person or a deadline). */
const BREAKABLE: Kind[] = ['rolling', 'canary-timed'];
const FAST = { 'sim.cutover.dev/ready-after': '300ms' };

interface Rollout {
  app: string;
  kind: Kind;
  broken: boolean;
  id?: string;
  phase?: string;
  endedAt?: number;
  promotedSteps: Set<number>;
  promotesAccepted: number;
}

/** A query against the private Postgres, on a fresh connection (the server may just have restarted). */
async function sql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  return until(`query ${text.slice(0, 40)}`, async () => {
    const db = new PgClient({ connectionString: url });
    await db.connect();
    try {
      return (await db.query(text, params)).rows as T[];
    } finally {
      await db.end().catch(() => undefined);
    }
  }, 60_000, 500);
}

/** A live-feed client that resumes with Last-Event-ID whenever its connection drops (an api killed, say). */
function feedWatcher(stack: ChaosStack, after: string): { positions: string[]; stop(): void; done: Promise<void> } {
  const positions: string[] = [];
  let stopped = false;
  let current: SseClient | null = null;
  const done = (async () => {
    while (!stopped) {
      const api = stack.apis[Math.floor(Math.random() * stack.apis.length)]!;
      const last = positions.at(-1) ?? after;
      try {
        current = await connectSse(`${api.url}/v1/events`, { authorization: `Bearer ${stack.env.bootstrapToken}`, 'last-event-id': last });
        if (current.status === 200) {
          current.onFrame = (f) => positions.push(f.id ?? '');
          await current.ended;
        } else {
          current.close();
        }
      } catch {
        // no answer: that api is down; try another shortly
      }
      if (!stopped) await sleep(200);
    }
  })();
  return {
    positions,
    stop: () => {
      stopped = true;
      current?.close();
    },
    done,
  };
}

/** Injects one kind of fault (or all) until stopped; returns how many it injected. */
function injector(stack: ChaosStack, kind: FaultKind): { stop(): Promise<number> } {
  let stopped = false;
  let injected = 0;
  const has = (k: FaultKind) => kind === k || kind === 'all';
  const loops: Array<Promise<void>> = [];
  const every = (minMs: number, maxMs: number, fn: () => Promise<void>) =>
    loops.push(
      (async () => {
        while (!stopped) {
          await sleep(minMs + Math.random() * (maxMs - minMs));
          if (stopped) return;
          await fn().catch((e: unknown) => log(`fault ${kind}: ${String(e)}`));
          injected += 1;
        }
      })(),
    );
  if (has('worker-kill')) {
    every(2_000, 5_000, async () => {
      const i = Math.floor(Math.random() * stack.workers.length);
      const victim = stack.workers[i]!;
      await victim.kill('SIGKILL');
      const next = spawnWorker(stack.env, `${victim.name.replace(/\+\d+$/, '')}+${injected}`, stack.workerSettings);
      next.ready.catch(() => undefined);
      stack.workers[i] = next.proc;
    });
  }
  if (has('api-kill')) {
    every(3_000, 6_000, async () => {
      if (stack.apis.length < 2) return;
      const i = Math.floor(Math.random() * stack.apis.length);
      const victim = stack.apis.splice(i, 1)[0]!;
      await victim.proc.kill('SIGKILL');
      // Its replacement comes up on another port; until then the other api serves (clients retry there).
      void startApi(stack.env, `${victim.proc.name.replace(/\+\d+$/, '')}+${injected}`).then((api) => stack.apis.push(api), (e: unknown) => log(`api restart: ${String(e)}`));
    });
  }
  if (has('redis-flush')) {
    every(5_000, 9_000, async () => {
      redisCli(stack.redis.url, 'FLUSHALL');
    });
  }
  if (has('pg-restart')) {
    every(6_000, 10_000, async () => {
      stack.pg.restart();
    });
  }
  if (has('sim-faults')) {
    const faults = {
      latencyMs: 200,
      failures: [
        { rate: 0.1, status: 500 },
        { rate: 0.1, status: 429, retryAfterSeconds: 1 },
      ],
    };
    loops.push(
      fetch(`${stack.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify(faults) }).then(async (r) => {
        if (!r.ok) throw new Error(`simulator faults: ${r.status} ${await r.text()}`);
        injected += 1;
      }),
    );
    every(2_000, 4_000, async () => {
      await fetch(`${stack.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ ...faults, cutWatches: true }) });
    });
  }
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      if (has('sim-faults')) await fetch(`${stack.sim.url}/_sim/faults`, { method: 'DELETE' });
      return injected;
    },
  };
}

export async function runPhase(stack: ChaosStack, fault: FaultKind, options: { rollouts: number; faultWindowMs: number; recoveryMs: number; tag: string }): Promise<PhaseResult> {
  const started = Date.now();
  const { client } = stack;
  const retriesBefore = client.retries;
  const rollouts: Rollout[] = Array.from({ length: options.rollouts }, (_, i) => {
    const kind = KINDS[i % KINDS.length]!;
    // One in seven of the kinds that roll back by themselves gets a broken release.
    return { app: `${options.tag}-${i}`, kind, broken: BREAKABLE.includes(kind) && i % 7 === 1, promotedSteps: new Set<number>(), promotesAccepted: 0 };
  });
  for (const r of rollouts) {
    await client.ok('POST', '/v1/apps', { name: r.app });
    await client.ok('POST', `/v1/apps/${r.app}/environments`, { name: 'prod', cluster: 'sim', namespace: options.tag, replicas: 2, strategy: STRATEGY[r.kind], service: { port: 80, targetPort: 8080 } });
    await client.ok('POST', `/v1/apps/${r.app}/releases`, releaseBody('1.0.0', `example/${r.app}:1.0.0`, FAST));
    await client.ok('POST', `/v1/apps/${r.app}/releases`, releaseBody('2.0.0', `example/${r.app}:${r.broken ? 'broken' : '2.0.0'}`, FAST));
  }
  const first = await Promise.all(rollouts.map((r) => client.ok('POST', '/v1/deployments', { app: r.app, environment: 'prod', release: '1.0.0' })));
  await until('the first releases to serve', async () => {
    const rows = await sql<{ n: string }>(stack.env.databaseUrl, `SELECT count(*)::text AS n FROM "Deployment" WHERE id = ANY($1::uuid[]) AND phase = 'Succeeded'`, [first.map((d) => d.id as string)]);
    return Number(rows[0]!.n) === first.length ? true : undefined;
  }, 180_000, 500);

  const after = (await sql<{ max: string | null }>(stack.env.databaseUrl, 'SELECT max(position)::text AS max FROM "DeploymentEvent"'))[0]!.max ?? '0';
  const feed = feedWatcher(stack, after);
  log(`${fault}: ${rollouts.length} rollouts (${rollouts.filter((r) => r.broken).length} broken), faults for ${options.faultWindowMs / 1000} s`);
  const faults = injector(stack, fault);
  const faultsUntil = Date.now() + options.faultWindowMs;

  await Promise.all(
    rollouts.map(async (r, i) => {
      // Spread over the first half of the window, so creates meet killed apis and a restarting database too.
      await sleep((i / rollouts.length) * (options.faultWindowMs / 2));
      r.id = (await client.ok('POST', '/v1/deployments', { app: r.app, environment: 'prod', release: '2.0.0' })).id as string;
    }),
  );
  // Drive: watch every rollout, promote the manual canaries at their pause (once per step), note when each ends.
  let faultsStoppedAt: number | null = null;
  let injected = 0;
  const deadline = faultsUntil + options.recoveryMs;
  while (rollouts.some((r) => !r.endedAt)) {
    if (faultsStoppedAt === null && Date.now() >= faultsUntil) {
      injected = await faults.stop();
      faultsStoppedAt = Date.now();
      log(`${fault}: faults stopped (${injected} injected); ${rollouts.filter((r) => !r.endedAt).length} rollouts still running`);
    }
    if (Date.now() > deadline) break;
    await Promise.all(
      rollouts
        .filter((r) => !r.endedAt)
        .map(async (r) => {
          const d = await client.call('GET', `/v1/deployments/${r.id}`, undefined, { deadlineMs: 20_000 }).catch(() => null);
          if (!d || d.status !== 200) return;
          r.phase = d.body.phase as string;
          if (ENDED.includes(r.phase)) {
            r.endedAt = Date.now();
            return;
          }
          const step = d.body.currentStep as number | null;
          if (r.kind === 'canary-manual' && r.phase === 'Paused' && d.body.pauseReason === 'PauseStep' && step !== null && !r.promotedSteps.has(step)) {
            const answer = await client.call('POST', `/v1/deployments/${r.id}/promote`, { reason: 'chaos' }, { idempotent: true, deadlineMs: 30_000 }).catch(() => null);
            if (answer && answer.status === 202) {
              r.promotedSteps.add(step);
              r.promotesAccepted += 1;
            }
          }
        }),
    );
    await sleep(300);
  }
  if (faultsStoppedAt === null) {
    injected = await faults.stop();
    faultsStoppedAt = Date.now();
  }

  // Checks, from the truth.
  const ids = rollouts.map((r) => r.id!);
  const db = stack.env.databaseUrl;
  const ends = await sql<{ id: string; phase: string }>(db, 'SELECT id::text, phase FROM "Deployment" WHERE id = ANY($1::uuid[])', [ids]);
  const phaseOf = new Map(ends.map((e) => [e.id, e.phase]));
  const wrongEnds = rollouts
    .filter((r) => phaseOf.get(r.id!) !== (r.broken ? 'RolledBack' : 'Succeeded'))
    .map((r) => `${r.app} (${r.kind}${r.broken ? ', broken' : ''}): ${phaseOf.get(r.id!)}`);
  const applied = await sql<{ n: string }>(db, `SELECT count(*)::text AS n FROM (SELECT data->>'commandId' AS c FROM "DeploymentEvent" WHERE "deploymentId" = ANY($1::uuid[]) AND type = 'CommandApplied' GROUP BY 1 HAVING count(*) > 1) x`, [ids]);
  const promoteRows = await sql<{ id: string; n: string }>(db, `SELECT "deploymentId"::text AS id, count(*)::text AS n FROM "DeploymentCommand" WHERE "deploymentId" = ANY($1::uuid[]) AND type = 'promote' GROUP BY 1`, [ids]);
  const extraPromotes = promoteRows.reduce((n, row) => n + Math.max(0, Number(row.n) - (rollouts.find((r) => r.id === row.id)?.promotesAccepted ?? 0)), 0);
  const pending = await sql<{ n: string }>(db, `SELECT count(*)::text AS n FROM "DeploymentEffect" WHERE "deploymentId" = ANY($1::uuid[]) AND status <> 'done'`, [ids]);

  // The feed client must hold every event the table has after `after`, once each.
  const truth = (await sql<{ position: string }>(db, 'SELECT position::text FROM "DeploymentEvent" WHERE position > $1::bigint ORDER BY position', [after])).map((r) => r.position);
  await until('the feed client to catch up', () => (feed.positions.length >= truth.length ? true : undefined), 30_000, 200).catch(() => undefined);
  feed.stop();
  await feed.done;
  const seen = new Set(feed.positions);
  const lostEvents = truth.filter((p) => !seen.has(p)).length;
  const repeatedEvents = feed.positions.length - seen.size;
  const verdict = await client.ok('GET', '/v1/audit/verify');
  const recoveryMs = rollouts.filter((r) => r.endedAt && r.endedAt > faultsStoppedAt!).map((r) => r.endedAt! - faultsStoppedAt!);
  return {
    fault,
    rollouts: rollouts.length,
    broken: rollouts.filter((r) => r.broken).length,
    wrongEnds,
    doubledCommands: Number(applied[0]!.n) + extraPromotes,
    pendingEffects: Number(pending[0]!.n),
    lostEvents,
    repeatedEvents,
    auditValid: verdict.ok === true,
    faultsInjected: injected,
    requestRetries: client.retries - retriesBefore,
    recoveryMs,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}

export function phasePassed(r: PhaseResult): boolean {
  return r.wrongEnds.length === 0 && r.doubledCommands === 0 && r.pendingEffects === 0 && r.lostEvents === 0 && r.repeatedEvents === 0 && r.auditValid;
}
