// `npm run test:chaos [-- --profile <name>]`: the chaos suite (docs/chaos.md). Real processes on a private Redis
// and a private Postgres cluster (so FLUSHALL and restarts touch nobody else), the simulator in its own process.
//   --profile crash-repro   issue 15 §1: 10 rollouts, the worker SIGKILLed 4 times, run CHAOS_RUNS times (10)
//   --profile short         CI: every fault kind once, briefly (a couple of minutes)
//   --profile full          every fault kind, ≥ 100 mixed rollouts each, then all together
//   --record                append the figures to BENCHMARKS.md
// Exit code 0 only when every run met its acceptance.
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChaosClient } from './chaos-client';
import { build, log, productEnv, root, startApi, startPostgres, startRedis, startSim, startWorker, stopStarted } from './chaos-stack';
import { runCrashRepro, type ReproResult } from './crash-repro';
import { FAULT_KINDS, phasePassed, runPhase, type ChaosStack, type FaultKind, type PhaseResult } from './mixed';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const secs = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'never');
/** After the faults stopped: p50 / max time to end of the rollouts still running then. */
const recovery = (ms: number[]) => (ms.length === 0 ? 'none left running when the faults stopped' : `p50 ${secs(percentile(ms, 50))} / max ${secs(Math.max(...ms))} (${ms.length} running)`);

async function main(): Promise<void> {
  const profile = arg('profile') ?? 'short';
  const record = process.argv.includes('--record');
  const cleanups: Array<() => void | Promise<void>> = [];
  let failed = false;
  const stopAll = async () => {
    await stopStarted();
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e: unknown) => log(`cleanup: ${String(e)}`));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    if (!process.env.CHAOS_NO_BUILD) {
      log('building dist/ (npm run build)');
      build();
    }
    const pg = await startPostgres();
    cleanups.push(() => pg.stop());
    const redis = await startRedis();
    const { migrate } = (await import(path.join(root, 'scripts/migrate-lib.mjs'))) as { migrate: (o: { databaseUrl: string; createDatabase: boolean }) => Promise<void> };
    await migrate({ databaseUrl: pg.url, createDatabase: true });
    const env = productEnv(pg.url, redis.url);
    // Room for every phase's pods at once (apps of earlier phases keep serving): 110 pods a node, ~3 pods a rollout.
    const phasesToRun = profile === 'full' ? FAULT_KINDS.length : 1;
    const perPhase = Number(process.env.CHAOS_ROLLOUTS ?? (profile === 'full' ? 100 : 10));
    const sim = await startSim({ timeScale: 1, nodes: Math.max(8, Math.ceil((phasesToRun * perPhase * 3) / 100) + 2) });
    const api = await startApi(env, 'api-1');
    const client = new ChaosClient(() => [api.url], env.bootstrapToken);
    await client.ok('POST', '/v1/clusters', { name: 'sim', kubeconfig: sim.kubeconfig });
    log(`stack up: ${pg.url.replace(/\/\/.*@/, '//')}, ${redis.url}, sim ${sim.url}, api ${api.url}`);

    if (profile === 'crash-repro') {
      const runs = Number(process.env.CHAOS_RUNS ?? 10);
      const workerSettings = { reconcileIntervalMs: 30_000 };
      const worker = { current: await startWorker(env, 'worker-0', workerSettings) };
      const results: ReproResult[] = [];
      for (let run = 1; run <= runs; run++) {
        const r = await runCrashRepro({ env, client, cluster: 'sim', worker, workerSettings }, run, 20_261_207 + run);
        results.push(r);
        const done = r.afterLastKillMs.filter((v): v is number => v !== null);
        log(
          `run ${run}: ${r.succeeded}/${r.total} succeeded within 30 s of the last kill (max ${secs(Math.max(...done))}); ` +
            `next tick after the replacement was ready: p50 ${secs(percentile(r.tickAfterReadyMs, 50))}, max ${secs(Math.max(...r.tickAfterReadyMs))} (${r.tickAfterReadyMs.length} active)`,
        );
        if (r.succeeded !== r.total) {
          failed = true;
          log(`run ${run}: phases ${r.phases.join(', ')}`);
        }
      }
      const ticks = results.flatMap((r) => r.tickAfterReadyMs);
      const ends = results.flatMap((r) => r.afterLastKillMs.filter((v): v is number => v !== null));
      const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
      const line =
        `| ${new Date().toISOString().slice(0, 16)}Z | crash-repro × ${runs} | ${results.filter((r) => r.succeeded === r.total).length}/${runs} runs 10/10 | ` +
        `${secs(percentile(ends, 50))} / ${secs(Math.max(...ends))} | ${secs(percentile(ticks, 50))} / ${secs(Math.max(...ticks))} (n=${ticks.length}) | ${load} |`;
      console.log(line);
      if (record) appendFileSync(path.join(root, 'BENCHMARKS.md'), `${line}\n`);
      if (ticks.some((t) => t > 5_000)) log(`target missed: a deployment waited ${secs(Math.max(...ticks))} for its tick after the replacement was ready (target 5 s)`);
    } else if (profile === 'short' || profile === 'full') {
      // Two apis and two workers from here on; the client spreads requests over the apis alive at the time.
      const stack: ChaosStack = {
        env,
        pg,
        redis,
        sim,
        apis: [api, await startApi(env, 'api-2')],
        workers: [],
        workerSettings: { reconcileIntervalMs: 10_000, concurrency: 20 },
        client,
      };
      client.urls = () => stack.apis.map((a) => a.url);
      stack.workers = await Promise.all([startWorker(env, 'worker-1', stack.workerSettings), startWorker(env, 'worker-2', stack.workerSettings)]);
      const full = profile === 'full';
      const phases: FaultKind[] = full ? FAULT_KINDS : (process.env.CHAOS_FAULTS?.split(',') as FaultKind[] | undefined) ?? ['all'];
      const rollouts = Number(process.env.CHAOS_ROLLOUTS ?? (full ? 100 : 10));
      const results: PhaseResult[] = [];
      for (const [i, fault] of phases.entries()) {
        const r = await runPhase(stack, fault, { rollouts, faultWindowMs: full ? 45_000 : 20_000, recoveryMs: full ? 180_000 : 120_000, tag: `p${i}` });
        results.push(r);
        const ok = phasePassed(r);
        if (!ok) failed = true;
        log(
          `${fault}: ${ok ? 'passed' : 'FAILED'} — ${r.rollouts} rollouts (${r.broken} broken), ${r.faultsInjected} faults, wrong ends ${r.wrongEnds.length}${r.wrongEnds.length ? ` [${r.wrongEnds.join('; ')}]` : ''}, ` +
            `doubled commands ${r.doubledCommands}, pending effects ${r.pendingEffects}, lost/repeated events ${r.lostEvents}/${r.repeatedEvents}, audit ${r.auditValid ? 'verifies' : 'BROKEN'}, ` +
            `recovery ${recovery(r.recoveryMs)}, ${r.requestRetries} requests retried, ${r.seconds} s`,
        );
      }
      const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
      const rows = results.map(
        (r) =>
          `| ${new Date().toISOString().slice(0, 16)}Z | ${profile} | ${r.fault} | ${r.rollouts} (${r.broken} broken) | ${r.faultsInjected} | ${r.wrongEnds.length} | ${r.doubledCommands} | ${r.lostEvents} / ${r.repeatedEvents} | ${r.pendingEffects} | ${r.auditValid ? 'yes' : 'NO'} | ` +
          `${recovery(r.recoveryMs)} | ${load} |`,
      );
      for (const row of rows) console.log(row);
      if (record) appendFileSync(path.join(root, 'BENCHMARKS.md'), `${rows.join('\n')}\n`);
    } else {
      throw new Error(`unknown profile ${profile} (crash-repro, short, full)`);
    }
  } catch (error) {
    failed = true;
    log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await stopAll();
  }
  process.exit(failed ? 1 : 0);
}

void main();
