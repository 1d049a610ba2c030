// The read commands (apps, envs, releases, history, audit, tokens, clusters) and `releases create -f`.
import { readFileSync } from 'node:fs';
import { api, enc } from '../http.client.mjs';
import { CliError, EXIT } from '../errors.mjs';
import { resolveContext } from '../config.mjs';
import { ago, emit, table } from '../output.mjs';

const OUTPUT = /** @type {const} */ (['-o, --output <format>', 'json|yaml (a table otherwise)']);

/** @param {import('commander').Command} cmd */
export const ctxOf = (cmd) => resolveContext(cmd.optsWithGlobals().context);

/** Every page of a list route. @param {{ server: string, token: string }} ctx @param {string} route */
export async function all(ctx, route, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const sep = route.includes('?') ? '&' : '?';
    const page = await api(ctx, 'GET', `${route}${sep}limit=100${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** A YAML or JSON file (`-` for stdin), like `kubectl apply -f`. @param {string} file */
export async function readDocument(file) {
  let text;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.USAGE, `Cannot read ${file}: ${/** @type {Error} */ (error).message}.`, 'Give a path to a YAML or JSON file (or - for stdin).');
  }
  try {
    if (/^\s*[{[]/.test(text)) return JSON.parse(text);
    const yaml = await import('js-yaml');
    return yaml.load(text);
  } catch (error) {
    throw new CliError(EXIT.USAGE, `${file} is not valid YAML or JSON: ${/** @type {Error} */ (error).message}`, 'Fix the file and run the command again.');
  }
}

/** @param {import('commander').Command} program */
export function registerReads(program) {
  program
    .command('apps')
    .description('list apps')
    .option(...OUTPUT)
    .action(async (/** @type {{ output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const items = await all(ctxOf(cmd), '/v1/apps');
      await emit(opts.output, items, () => table(['NAME', 'DESCRIPTION', 'AGE'], items.map((a) => [a.name, a.description, ago(a.createdAt)])));
    });

  program
    .command('envs <app>')
    .description("list an app's environments")
    .option(...OUTPUT)
    .action(async (/** @type {string} */ app, /** @type {{ output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const items = await all(ctxOf(cmd), `/v1/apps/${enc(app)}/environments`);
      await emit(opts.output, items, () =>
        table(['NAME', 'CLUSTER', 'NAMESPACE', 'REPLICAS', 'STRATEGY', 'PROTECTED'], items.map((e) => [e.name, e.cluster, e.namespace, e.replicas, e.strategy?.type, e.protected ? 'yes' : 'no'])),
      );
    });

  const releases = program.command('releases').description('create or list releases');
  releases
    .command('create <app>')
    .description('create a release from a YAML or JSON file (-f -: stdin)')
    .requiredOption('-f, --file <file>', 'the release document')
    .option(...OUTPUT)
    .action(async (/** @type {string} */ app, /** @type {{ file: string, output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const body = await readDocument(opts.file);
      const created = await api(ctxOf(cmd), 'POST', `/v1/apps/${enc(app)}/releases`, { body });
      await emit(opts.output, created, () => process.stdout.write(`release ${created.app} ${created.version} created (digest ${String(created.digest).slice(0, 12)})\n`));
    });
  releases
    .command('list <app>')
    .option(...OUTPUT)
    .action(async (/** @type {string} */ app, /** @type {{ output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const items = await all(ctxOf(cmd), `/v1/apps/${enc(app)}/releases`);
      await emit(opts.output, items, () => table(['VERSION', 'DIGEST', 'BY', 'AGE'], items.map((r) => [r.version, String(r.digest).slice(0, 12), r.createdBy, ago(r.createdAt)])));
    });

  program
    .command('history <app> <env>')
    .description('deployments of an environment, newest first')
    .option('--limit <n>', 'how many', '20')
    .option(...OUTPUT)
    .action(async (/** @type {string} */ app, /** @type {string} */ env, /** @type {{ limit: string, output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const page = await api(ctxOf(cmd), 'GET', `/v1/apps/${enc(app)}/environments/${enc(env)}/history?limit=${enc(opts.limit)}`);
      await emit(opts.output, page.items, () =>
        table(
          ['ID', 'RELEASE', 'KIND', 'PHASE', 'BY', 'AGE', 'REASON'],
          page.items.map((/** @type {any} */ d) => [d.id, d.release, d.kind, d.phase, d.createdBy, ago(d.createdAt), d.reason]),
        ),
      );
    });

  program
    .command('audit')
    .description('the audit log, newest first; --verify checks the hash chain')
    .option('--app <app>')
    .option('--environment <env>')
    .option('--actor <name>')
    .option('--action <action>')
    .option('--limit <n>', 'how many', '50')
    .option('--verify', 'verify the chain instead (exit 1 when broken)')
    .option(...OUTPUT)
    .action(async (/** @type {Record<string, string | boolean | undefined>} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const ctx = ctxOf(cmd);
      if (opts.verify) {
        const v = await api(ctx, 'GET', '/v1/audit/verify');
        await emit(/** @type {string | undefined} */ (opts.output), v, () =>
          process.stdout.write(v.ok ? `✔ audit chain intact: ${v.count} entries${v.unsealed?.count ? ` (${v.unsealed.count} newest not sealed yet)` : ''}\n` : `✖ audit chain broken at entry ${v.firstBroken?.seq}: ${v.firstBroken?.reason}\n`),
        );
        if (!v.ok) process.exitCode = EXIT.FAILED;
        return;
      }
      const q = new URLSearchParams({ limit: String(opts.limit) });
      for (const k of ['app', 'environment', 'actor', 'action']) if (typeof opts[k] === 'string') q.set(k, /** @type {string} */ (opts[k]));
      const page = await api(ctx, 'GET', `/v1/audit?${q}`);
      await emit(/** @type {string | undefined} */ (opts.output), page.items, () =>
        table(
          ['SEQ', 'WHEN', 'WHO', 'ACTION', 'ON', 'OUTCOME', 'REASON'],
          page.items.map((/** @type {any} */ e) => [e.seq, e.at, e.actorName, e.action, [e.app, e.environment, e.version].filter(Boolean).join('/') || e.resourceType, e.outcome, e.reason]),
        ),
      );
    });

  const tokens = program.command('tokens').description('list, create or revoke API tokens (admin)');
  tokens
    .command('list', { isDefault: true })
    .option(...OUTPUT)
    .action(async (/** @type {{ output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const items = await all(ctxOf(cmd), '/v1/tokens');
      await emit(opts.output, items, () =>
        table(['ID', 'NAME', 'ROLE', 'PREFIX', 'LAST USED', 'REVOKED'], items.map((t) => [t.id, t.name, t.role, t.prefix, ago(t.lastUsedAt), t.revokedAt ? ago(t.revokedAt) : ''])),
      );
    });
  tokens
    .command('create <name>')
    .requiredOption('--role <role>', 'viewer | deployer | admin')
    .option('--apps <apps>', 'deployer scope: comma-separated apps')
    .option('--environments <envs>', 'deployer scope: comma-separated environments')
    .option(...OUTPUT)
    .action(async (/** @type {string} */ name, /** @type {Record<string, string | undefined>} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const list = (/** @type {string | undefined} */ v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
      const scopes = opts.apps || opts.environments ? { apps: list(opts.apps), environments: list(opts.environments) } : undefined;
      const created = await api(ctxOf(cmd), 'POST', '/v1/tokens', { body: { name, role: opts.role, ...(scopes ? { scopes } : {}) } });
      await emit(opts.output, created, () => process.stdout.write(`token ${created.id} (${created.role}) created; its secret, shown once:\n${created.secret}\n`));
    });
  tokens
    .command('revoke <id>')
    .action(async (/** @type {string} */ id, /** @type {Record<string, never>} */ _opts, /** @type {import('commander').Command} */ cmd) => {
      await api(ctxOf(cmd), 'DELETE', `/v1/tokens/${enc(id)}`);
      process.stdout.write(`token ${id} revoked\n`);
    });

  program
    .command('clusters')
    .description('list registered clusters (admin)')
    .option(...OUTPUT)
    .action(async (/** @type {{ output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const items = await all(ctxOf(cmd), '/v1/clusters');
      await emit(opts.output, items, () =>
        table(['NAME', 'SERVER', 'LAST CHECK', 'OK'], items.map((c) => [c.name, c.server, ago(c.lastCheckAt), c.lastCheckOk === null || c.lastCheckOk === undefined ? '' : c.lastCheckOk ? 'yes' : 'no'])),
      );
    });
}
