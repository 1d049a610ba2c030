// Issue 14's acceptance: rollout waves across three simulator clusters (each its own Kubernetes API server,
// registered with labels), through the real api, queue and worker — the worker a process of its own, so it can be
// SIGKILLed mid-run. What the clusters saw (apps/worker/test/multi-cluster.testing.ts records every write of an
// object Cutover owns) is checked as well as what the api answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MultiClusterStack, until, type EnvironmentSpec } from './multi-cluster.testing';

interface RunEnv {
  environment: string;
  cluster: string;
  deploymentId: string | null;
  phase: string;
  reason: string | null;
}
interface RunWave {
  name: string;
  phase: string;
  selector: string | null;
  gate: { bakeSeconds: number | null; phase: string; waitingFor: string[]; bakeUntil: string | null; openedAt: string | null };
  environments: RunEnv[];
}
interface Run {
  id: string;
  phase: string;
  failures: number;
  waves: RunWave[];
  history: Array<{ type: string; at: string }>;
}
interface Deployment {
  id: string;
  environment: string;
  phase: string;
  waveRunId: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const ms = (iso: string | null | undefined): number => (iso ? new Date(iso).getTime() : NaN);

/** Five environments over the three clusters (THREE_CLUSTERS: eu-staging, eu-prod, us-prod). */
const FIVE: EnvironmentSpec[] = [
  { name: 'staging', cluster: 'eu-staging', labels: { tier: 'staging', region: 'eu' } },
  { name: 'prod-eu-1', cluster: 'eu-prod', labels: { tier: 'prod', region: 'eu' } },
  { name: 'prod-eu-2', cluster: 'eu-prod', labels: { tier: 'prod', region: 'eu' } },
  { name: 'prod-us-1', cluster: 'us-prod', labels: { tier: 'prod', region: 'us' } },
  { name: 'prod-us-2', cluster: 'us-prod', labels: { tier: 'prod', region: 'us' } },
];
const clusterOf = (env: string) => FIVE.find((e) => e.name === env)!.cluster;

describe('rollout waves over three clusters (issue 14)', () => {
  let stack: MultiClusterStack;

  const run = async (id: string): Promise<Run> => (await stack.ok('get', `/v1/wave-runs/${id}`, undefined, 200)) as Run;
  const runUntil = (id: string, check: (r: Run) => boolean, what: string, timeoutMs = 90_000): Promise<Run> =>
    until(`wave run ${id}: ${what}`, async () => {
      const r = await run(id);
      return check(r) ? r : undefined;
    }, timeoutMs, 100);
  const deployment = async (id: string): Promise<Deployment> => (await stack.ok('get', `/v1/deployments/${id}`, undefined, 200)) as Deployment;
  const start = async (app: string, body: Record<string, unknown>): Promise<Run> => (await stack.ok('post', `/v1/apps/${app}/waves`, body, 202)) as Run;
  const releaseOn = (app: string, env: string) => stack.simDeployment(clusterOf(env), env, app)?.metadata?.labels?.['cutover.dev/release'] as string | undefined;

  /**
   * Wave n+1 started only after wave n succeeded and its bake passed: every deployment of wave n ended before the
   * gate was reached, the gate opened no earlier than the bake's end, and every deployment of wave n+1 was created —
   * and first written at its cluster — after the gate opened.
   */
  async function expectWaveOrder(r: Run, app: string, release: string): Promise<void> {
    for (let n = 0; n + 1 < r.waves.length; n++) {
      const wave = r.waves[n];
      const next = r.waves[n + 1];
      if (next.environments.every((e) => e.deploymentId === null)) continue;
      const ended = await Promise.all(wave.environments.map(async (e) => deployment(e.deploymentId!)));
      expect(ended.map((d) => d.phase)).toEqual(ended.map(() => 'Succeeded'));
      const lastEnd = Math.max(...ended.map((d) => ms(d.finishedAt)));
      const opened = ms(wave.gate.openedAt);
      expect(opened).toBeGreaterThanOrEqual(lastEnd);
      if (wave.gate.bakeSeconds) {
        expect(ms(wave.gate.bakeUntil) - lastEnd).toBeGreaterThanOrEqual(wave.gate.bakeSeconds * 1000 - 5);
        expect(opened).toBeGreaterThanOrEqual(ms(wave.gate.bakeUntil));
      }
      for (const e of next.environments) {
        const d = await deployment(e.deploymentId!);
        expect(ms(d.createdAt), `${e.environment} created after gate ${n} opened`).toBeGreaterThanOrEqual(opened);
        const first = stack.firstWrite(clusterOf(e.environment), e.environment, app, release);
        expect(first, `${app}/${e.environment}: ${release} written at its cluster`).toBeDefined();
        // Postgres (ms) and this process share the clock; the write follows the gate's commit.
        expect(first!.at, `${e.environment} first written at its cluster after gate ${n} opened`).toBeGreaterThanOrEqual(opened);
      }
    }
  }

  beforeAll(async () => {
    stack = await MultiClusterStack.start('waves-e2e', { worker: 'process' });
    for (const app of ['wa', 'wb', 'wc', 'wd', 'we']) {
      await stack.createApp(app, app === 'we' ? [...FIVE, { name: 'prod-ap', cluster: 'us-prod', labels: { tier: 'prod', region: 'ap' } }] : FIVE);
    }
    await stack.release('wa', '1.0.0');
    await stack.release('wb', '1.0.0');
    // us-prod's registry lacks wb 2.0.0: the release is broken there only (ErrImagePull, a certain failure).
    await stack.release('wb', '2.0.0');
    stack.cluster('us-prod').sim.missingImages.add('example/wb:2.0.0');
    await stack.release('wc', '1.0.0');
    // Not ready for 600 simulated seconds (30 s here): wc 1.1.0 stays in flight until it is aborted.
    await stack.release('wc', '1.1.0', { readyAfter: '600s' });
    // Ready after 40 simulated seconds (2 s here): a kill lands mid-wave.
    await stack.release('wd', '1.0.0', { readyAfter: '40s' });
    await stack.release('we', '1.0.0');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('(a) a 3-wave run over 5 environments on 3 clusters succeeds wave by wave, each wave after the last one succeeded and baked', { timeout: 120_000 }, async () => {
    const created = await start('wa', {
      release: '1.0.0',
      reason: 'issue 14 (a)',
      waves: [
        { name: 'staging', environments: ['staging'], gate: { bake: '1s' } },
        { name: 'europe', environments: ['prod-eu-1', 'prod-eu-2'], gate: { bake: '1s' } },
        { name: 'america', environments: ['prod-us-1', 'prod-us-2'] },
      ],
    });
    expect(created.waves.map((w) => [w.name, w.environments.map((e) => [e.environment, e.cluster])])).toEqual([
      ['staging', [['staging', stack.cluster('eu-staging').registered]]],
      ['europe', [['prod-eu-1', stack.cluster('eu-prod').registered], ['prod-eu-2', stack.cluster('eu-prod').registered]]],
      ['america', [['prod-us-1', stack.cluster('us-prod').registered], ['prod-us-2', stack.cluster('us-prod').registered]]],
    ]);
    const done = await runUntil(created.id, (r) => r.phase !== 'Running', 'the end');
    expect(done.phase).toBe('Succeeded');
    expect(done.waves.map((w) => w.phase)).toEqual(['Passed', 'Passed', 'Passed']);
    await expectWaveOrder(done, 'wa', '1.0.0');
    // Each environment's objects are on its own cluster, and only there.
    for (const e of FIVE) {
      expect(releaseOn('wa', e.name)).toBe('1.0.0');
      for (const other of stack.clusters.filter((c) => c.name !== e.cluster)) expect(stack.simDeployment(other.name, e.name, 'wa')).toBeUndefined();
    }
  });

  it('(b) a release broken on wave 2\'s cluster stops the run there: that environment rolls back, wave 1 keeps the new release, wave 3 never starts', { timeout: 120_000 }, async () => {
    await stack.deployEverywhere('wb', FIVE.map((e) => e.name), '1.0.0');
    const created = await start('wb', {
      release: '2.0.0',
      waves: [
        { name: 'staging', environments: ['staging'], gate: { bake: '1s' } },
        { name: 'first-prod', environments: ['prod-eu-1', 'prod-us-1'] },
        { name: 'rest', environments: ['prod-eu-2', 'prod-us-2'] },
      ],
    });
    const done = await runUntil(created.id, (r) => r.phase !== 'Running', 'the end');
    expect(done.phase).toBe('Failed');
    expect(done.waves.map((w) => w.phase)).toEqual(['Passed', 'Failed', 'Skipped']);
    const [staging, firstProd, rest] = done.waves;

    // Wave 1 stays on the new release.
    expect(staging.environments[0]).toMatchObject({ environment: 'staging', phase: 'Succeeded' });
    expect(releaseOn('wb', 'staging')).toBe('2.0.0');
    // Wave 2: us-prod could not pull 2.0.0; that environment rolled back by itself and serves 1.0.0 again.
    const us = firstProd.environments.find((e) => e.environment === 'prod-us-1')!;
    expect(us.phase).toBe('RolledBack');
    expect(us.reason).toMatch(/ErrImagePull|ImagePullBackOff/);
    await until('prod-us-1 serving 1.0.0 again at us-prod', () => {
      const d = stack.simDeployment('us-prod', 'prod-us-1', 'wb');
      return d?.metadata.labels['cutover.dev/release'] === '1.0.0' && d.status?.availableReplicas === d.spec.replicas ? true : undefined;
    });
    expect(firstProd.environments.find((e) => e.environment === 'prod-eu-1')!.phase).toBe('Succeeded');
    // Wave 3 was never started: no deployment, and its clusters never saw 2.0.0.
    expect(rest.environments.map((e) => [e.environment, e.deploymentId, e.phase])).toEqual([
      ['prod-eu-2', null, 'Waiting'],
      ['prod-us-2', null, 'Waiting'],
    ]);
    expect(stack.firstWrite('eu-prod', 'prod-eu-2', 'wb', '2.0.0')).toBeUndefined();
    expect(stack.firstWrite('us-prod', 'prod-us-2', 'wb', '2.0.0')).toBeUndefined();
    expect(releaseOn('wb', 'prod-us-2')).toBe('1.0.0');
    expect(await stack.prisma.deployment.count({ where: { waveRunId: created.id } })).toBe(3);
    await expectWaveOrder(done, 'wb', '2.0.0');
  });

  it('(c) a global abort mid-wave aborts every in-flight deployment on every cluster, each within one tick', { timeout: 120_000 }, async () => {
    await stack.deployEverywhere('wc', FIVE.map((e) => e.name), '1.0.0');
    const created = await start('wc', {
      release: '1.1.0',
      waves: [{ name: 'everywhere', environments: ['staging', 'prod-eu-1', 'prod-us-1', 'prod-us-2'] }, { name: 'last', environments: ['prod-eu-2'] }],
    });
    const inFlight = await runUntil(
      created.id,
      (r) => r.waves[0].environments.every((e) => e.phase === 'Progressing' && stack.firstWrite(clusterOf(e.environment), e.environment, 'wc', '1.1.0') !== undefined),
      'wave 1 in flight at every cluster',
    );
    const ids = inFlight.waves[0].environments.map((e) => e.deploymentId!);
    const t0 = Date.now();
    const aborted = (await stack.ok('post', `/v1/wave-runs/${created.id}/abort`, { reason: 'error rate' }, 202)) as Run;
    expect(aborted.phase).toBe('Aborted');
    expect(aborted.waves.map((w) => w.phase)).toEqual(['Aborted', 'Skipped']);
    await until('every in-flight deployment Aborted', async () => {
      const rows = await stack.prisma.deployment.findMany({ where: { id: { in: ids } }, select: { phase: true } });
      return rows.every((d) => d.phase === 'Aborted') ? true : undefined;
    }, 10_000, 50);
    const abortedMs = Date.now() - t0;
    expect(abortedMs).toBeLessThan(5_000);
    // One tick each: the tick that applied the abort command is the one that moved the deployment to Aborted (both
    // events in one transaction), and it was the deployment's first commit after the command was written.
    for (const id of ids) {
      const command = await stack.prisma.deploymentCommand.findFirstOrThrow({ where: { deploymentId: id, type: 'abort' } });
      expect(command.status).toBe('applied');
      const events = await stack.prisma.deploymentEvent.findMany({ where: { deploymentId: id, createdAt: { gte: command.createdAt } }, orderBy: { position: 'asc' } });
      const applied = events.find((e) => e.type === 'CommandApplied' && (e.data as { commandId?: string }).commandId === command.id);
      const toAborted = events.find((e) => e.type === 'PhaseChanged' && (e.data as { to?: string }).to === 'Aborted');
      expect(applied && toAborted, `${id}: abort applied and phase Aborted`).toBeTruthy();
      expect(applied!.position >> 20n).toBe(toAborted!.position >> 20n);
      // At most the one tick already under way when the command was written commits before the one applying it.
      const ticksBefore = new Set(events.filter((e) => e.position < applied!.position).map((e) => e.position >> 20n));
      expect(ticksBefore.size, `${id}: ticks committed between the command and its application`).toBeLessThanOrEqual(1);
    }
    // Traffic restored: each cluster serves 1.0.0 again in the aborted environments; the last wave never started.
    await until('1.0.0 restored at every cluster', () =>
      inFlight.waves[0].environments.every((e) => {
        const d = stack.simDeployment(clusterOf(e.environment), e.environment, 'wc');
        return d?.metadata.labels['cutover.dev/release'] === '1.0.0' && d.status?.availableReplicas === d.spec.replicas;
      })
        ? true
        : undefined,
    );
    expect(stack.firstWrite('eu-prod', 'prod-eu-2', 'wc', '1.1.0')).toBeUndefined();
  });

  it('(d) the worker SIGKILLed mid-run: a new worker finishes the run correctly', { timeout: 180_000 }, async () => {
    const created = await start('wd', {
      release: '1.0.0',
      waves: [
        { name: 'one', environments: ['staging', 'prod-eu-1'], gate: { bake: '1s' } },
        { name: 'two', environments: ['prod-eu-2', 'prod-us-1'] },
        { name: 'three', environments: ['prod-us-2'] },
      ],
    });
    // Kill while wave 1 rolls out at its clusters (its pods take 2 s to be ready).
    await until('wave 1 written at its clusters', () => (stack.firstWrite('eu-staging', 'staging', 'wd', '1.0.0') && stack.firstWrite('eu-prod', 'prod-eu-1', 'wd', '1.0.0') ? true : undefined));
    expect((await run(created.id)).waves[0].phase).toBe('Running');
    await stack.killWorkerProcess('SIGKILL');
    await stack.startWorkerProcess();
    const done = await runUntil(created.id, (r) => r.phase !== 'Running', 'the end after the crash', 150_000);
    expect(done.phase).toBe('Succeeded');
    expect(done.waves.map((w) => w.phase)).toEqual(['Passed', 'Passed', 'Passed']);
    // One deployment per environment (none started twice), every cluster on the release, the order kept.
    expect(await stack.prisma.deployment.count({ where: { waveRunId: created.id } })).toBe(5);
    for (const e of FIVE) expect(releaseOn('wd', e.name)).toBe('1.0.0');
    await expectWaveOrder(done, 'wd', '1.0.0');
  });

  it('selects environments by label (tier=prod,region in (eu,us)) at creation, shows them, and keeps them when labels change', { timeout: 120_000 }, async () => {
    const created = await start('we', {
      release: '1.0.0',
      waves: [
        { name: 'staging', clusterSelector: 'tier=staging' },
        { name: 'prod', environmentSelector: 'tier=prod,region in (eu,us)' },
      ],
    });
    expect(created.waves.map((w) => [w.selector, w.environments.map((e) => e.environment)])).toEqual([
      [expect.stringContaining('tier=staging'), ['staging']],
      ['tier=prod,region in (eu,us)', ['prod-eu-1', 'prod-eu-2', 'prod-us-1', 'prod-us-2']],
    ]);
    // Relabelled after creation: prod-ap now matches, prod-us-2 no longer does; the frozen run does not move.
    await stack.ok('patch', '/v1/apps/we/environments/prod-ap', { labels: { tier: 'prod', region: 'eu' } }, 200);
    await stack.ok('patch', '/v1/apps/we/environments/prod-us-2', { labels: { tier: 'retired' } }, 200);
    const done = await runUntil(created.id, (r) => r.phase !== 'Running', 'the end');
    expect(done.phase).toBe('Succeeded');
    expect(done.waves[1].environments.map((e) => [e.environment, e.phase])).toEqual([
      ['prod-eu-1', 'Succeeded'],
      ['prod-eu-2', 'Succeeded'],
      ['prod-us-1', 'Succeeded'],
      ['prod-us-2', 'Succeeded'],
    ]);
    expect(stack.simDeployment('us-prod', 'prod-ap', 'we')).toBeUndefined();
  });
});
