// deploy, status [--watch], the deployment commands (promote, pause, resume, abort, retry, rollback), plan.
import { api, enc } from '../http.client.mjs';
import { CliError, EXIT } from '../errors.mjs';
import { emit, table } from '../output.mjs';
import { follow } from '../sse.client.mjs';
import { renderStatus, statusLine } from '../status.view.mjs';
import { ctxOf, readDocument } from './read.command.mjs';

const OUTPUT = /** @type {const} */ (['-o, --output <format>', 'json|yaml (a tree otherwise)']);
const FAILED_PHASES = new Set(['Failed', 'RolledBack', 'Aborted', 'Superseded']);
const TERMINAL = new Set(['Succeeded', ...FAILED_PHASES]);

/** The environment's latest deployment. @param {{ server: string, token: string }} ctx @param {string} app @param {string} env */
async function latest(ctx, app, env) {
  const page = await api(ctx, 'GET', `/v1/apps/${enc(app)}/environments/${enc(env)}/history?limit=1`);
  const d = page.items[0];
  if (!d) throw new CliError(EXIT.FAILED, `${app} has never been deployed to ${env}.`, `Deploy it: \`cutover deploy ${app} VERSION --to ${env}\`.`);
  return d;
}

/** The images of a release (for the header), best effort. @param {{ server: string, token: string }} ctx @param {string} app @param {string | null} version */
async function imagesOf(ctx, app, version) {
  if (!version) return null;
  try {
    const r = await api(ctx, 'GET', `/v1/apps/${enc(app)}/releases/${enc(version)}`);
    return (r.spec?.podSpec?.containers ?? []).map((/** @type {{ image: string }} */ c) => c.image).join(', ') || null;
  } catch {
    return null;
  }
}

/** Exit code of a finished deployment: 0 Succeeded, 1 anything else. @param {string} phase */
const exitOf = (phase) => (phase === 'Succeeded' ? EXIT.OK : EXIT.FAILED);

/**
 * Follows a deployment until it ends: on a TTY the tree redraws in place, piped it prints one line per change.
 * @param {{ server: string, token: string }} ctx
 * @param {string} id
 * @param {string | undefined} output
 */
async function watch(ctx, id, output) {
  const tty = process.stdout.isTTY === true && output === undefined;
  let detail = await api(ctx, 'GET', `/v1/deployments/${enc(id)}`);
  const images = { from: await imagesOf(ctx, detail.app, detail.previousRelease), to: await imagesOf(ctx, detail.app, detail.release) };
  let drawn = 0;
  let lastLine = '';
  let connection = 'live';
  const draw = () => {
    if (output === 'json') {
      process.stdout.write(`${JSON.stringify(detail)}\n`);
      return;
    }
    if (tty) {
      const lines = renderStatus(detail, images);
      if (connection !== 'live') lines.push('', '◌ reconnecting…');
      // Up over what was drawn, clear to the end, draw again.
      process.stdout.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}\n`);
      drawn = lines.length;
      return;
    }
    const line = statusLine(detail);
    const key = line.slice(9);
    if (key !== lastLine) process.stdout.write(`${line}\n`);
    lastLine = key;
  };
  draw();
  if (TERMINAL.has(detail.phase)) return exitOf(detail.phase);
  await follow(
    ctx,
    `/v1/deployments/${enc(id)}/events`,
    async (event) => {
      detail = await api(ctx, 'GET', `/v1/deployments/${enc(id)}`);
      draw();
      return TERMINAL.has(detail.phase) || TERMINAL.has(event.data.phase);
    },
    {
      onState: (state) => {
        if (state === connection) return;
        connection = state;
        if (!tty && output === undefined) process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${state === 'live' ? 'connected' : 'reconnecting…'}\n`);
        else if (tty) draw();
      },
    },
  );
  if (!TERMINAL.has(detail.phase)) detail = await api(ctx, 'GET', `/v1/deployments/${enc(id)}`);
  if (tty || output === 'json') draw();
  else process.stdout.write(`${statusLine(detail)}\n`);
  return exitOf(detail.phase);
}

/** @param {import('commander').Command} program */
export function registerDeploy(program) {
  program
    .command('deploy <app> <version>')
    .description('deploy a release to an environment')
    .requiredOption('--to <env>', 'the environment')
    .option('--strategy-file <file>', 'a strategy document (YAML or JSON) for this deployment only')
    .option('--reason <text>', 'why (kept in the audit log)')
    .option('--supersede', 'replace an active deployment there')
    .option('-w, --watch', 'follow it until it ends (exit 0 Succeeded, 1 otherwise)')
    .option(...OUTPUT)
    .action(async (/** @type {string} */ app, /** @type {string} */ version, /** @type {Record<string, any>} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const ctx = ctxOf(cmd);
      const strategy = opts.strategyFile ? await readDocument(opts.strategyFile) : undefined;
      const body = { app, environment: opts.to, release: version, ...(strategy ? { strategy } : {}), ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.supersede ? { supersede: true } : {}) };
      const created = await api(ctx, 'POST', '/v1/deployments', { body });
      if (opts.watch) {
        process.exitCode = await watch(ctx, created.id, opts.output);
        return;
      }
      await emit(opts.output, created, () => process.stdout.write(`deployment ${created.id} of ${app} ${version} to ${opts.to} created (${created.phase}); follow it: cutover status ${app} ${opts.to} --watch\n`));
    });

  program
    .command('status <app> <env>')
    .description("the environment's latest deployment as a tree; --watch follows it and exits when it ends (0 Succeeded, 1 Failed/RolledBack/Aborted)")
    .option('-w, --watch', 'follow live until the deployment ends')
    .option('--id <deployment>', 'a given deployment instead of the latest')
    .option(...OUTPUT)
    .action(async (/** @type {string} */ app, /** @type {string} */ env, /** @type {{ watch?: boolean, id?: string, output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const ctx = ctxOf(cmd);
      const summary = opts.id ? undefined : await latest(ctx, app, env);
      const id = opts.id ?? /** @type {{ id: string }} */ (summary).id;
      if (opts.watch) {
        process.exitCode = await watch(ctx, id, opts.output);
        return;
      }
      // The detail and the two releases' images at once: one round trip after the history lookup.
      const [detail, from, to] = await Promise.all([
        api(ctx, 'GET', `/v1/deployments/${enc(id)}`),
        opts.output || !summary ? null : imagesOf(ctx, app, summary.previousRelease),
        opts.output || !summary ? null : imagesOf(ctx, app, summary.release),
      ]);
      const images = opts.output ? {} : { from: from ?? (await imagesOf(ctx, app, detail.previousRelease)), to: to ?? (await imagesOf(ctx, app, detail.release)) };
      await emit(opts.output, detail, () => process.stdout.write(`${renderStatus(detail, images).join('\n')}\n`));
    });

  for (const [name, description, destructive] of /** @type {const} */ ([
    ['promote', 'go on to the next step (--full: finish now)', false],
    ['pause', 'hold the rollout where it is', false],
    ['resume', 'carry on after a pause by a person', false],
    ['abort', 'stop and return all traffic to the previous release', true],
    ['retry', 'run a failed, rolled back or aborted deployment again', false],
    ['rollback', 'roll back (an active deployment, or the latest succeeded one to the release before it)', true],
  ])) {
    const command = program
      .command(`${name} <app> <env>`)
      .description(`${description}; acts on the environment's latest deployment`)
      .requiredOption('--reason <text>', 'why (kept on the timeline and in the audit log)')
      .option('--id <deployment>', 'a given deployment instead of the latest')
      .option(...OUTPUT);
    if (name === 'promote') command.option('--full', 'skip the remaining steps');
    command.action(async (/** @type {string} */ app, /** @type {string} */ env, /** @type {Record<string, any>} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const ctx = ctxOf(cmd);
      const target = opts.id ? await api(ctx, 'GET', `/v1/deployments/${enc(opts.id)}`) : await latest(ctx, app, env);
      const result = await api(ctx, 'POST', `/v1/deployments/${enc(target.id)}/${name}`, {
        body: { reason: opts.reason, ...(opts.full ? { full: true } : {}) },
        headers: target.etag ? { 'if-match': target.etag } : {},
      });
      await emit(opts.output, result, () => {
        const d = result.deployment;
        if (d.id !== target.id) process.stdout.write(`${name}: new deployment ${d.id} (${d.kind} to ${d.release}); follow it: cutover status ${app} ${env} --watch\n`);
        else process.stdout.write(`${name} accepted for deployment ${d.id} (${d.phase})${destructive ? '' : ''}; follow it: cutover status ${app} ${env} --watch\n`);
      });
    });
  }

  program
    .command('plan <app> <version>')
    .description('the steps a deployment would take, without starting it')
    .requiredOption('--to <env>', 'the environment')
    .option('--strategy-file <file>', 'a strategy document (YAML or JSON)')
    .option(...OUTPUT)
    .action(async (/** @type {string} */ app, /** @type {string} */ version, /** @type {Record<string, any>} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const ctx = ctxOf(cmd);
      const strategy = opts.strategyFile ? await readDocument(opts.strategyFile) : undefined;
      const body = { app, environment: opts.to, release: version, dryRun: true, ...(strategy ? { strategy } : {}) };
      const answer = await api(ctx, 'POST', '/v1/deployments', { body, allow: [422] });
      const unsupported = answer?.code === 'VALIDATION_FAILED' && JSON.stringify(answer.errors ?? []).includes('dryRun');
      if (answer?.status === 422 && !unsupported) {
        const { problemError } = await import('../errors.mjs');
        throw problemError(422, answer, ctx.server);
      }
      let plan = unsupported ? undefined : (answer.plan ?? answer);
      let source = 'dry run';
      if (unsupported) {
        // An api without dry runs: the plan of the environment's latest deployment.
        const d = await latest(ctx, app, opts.to);
        plan = (await api(ctx, 'GET', `/v1/deployments/${enc(d.id)}`)).plan;
        source = `the plan of the latest deployment here (${d.release}); this api has no dry run`;
      }
      await emit(opts.output, plan, () => {
        process.stdout.write(`${plan.strategy}: ${plan.steps.length} steps, peak ${plan.peakPods} pods (+${plan.extraPods}), at least ${plan.minimumDurationSeconds} s — from ${source}\n`);
        table(['#', 'STEP', 'REPLICAS', 'NEW TRAFFIC'], plan.steps.map((/** @type {any} */ s) => [s.index + 1, s.title, Object.entries(s.replicas).map(([k, v]) => `${k} ${v}`).join(', '), `${s.newTrafficPercent}%`]));
      });
    });
}
