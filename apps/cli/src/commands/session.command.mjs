// login / logout / context / whoami.
import { api } from '../http.client.mjs';
import { CliError, EXIT } from '../errors.mjs';
import { configPath, readConfig, resolveContext, writeConfig } from '../config.mjs';
import { emit, table } from '../output.mjs';

/** The token from stdin when piped, else a prompt that does not echo. @returns {Promise<string>} */
async function readToken() {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.trim();
  }
  process.stderr.write('Token: ');
  return new Promise((resolve) => {
    let value = '';
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.setEncoding('utf8');
    const onData = (/** @type {string} */ ch) => {
      if (ch === '\r' || ch === '\n' || ch === '\u0004') {
        process.stdin.setRawMode(false);
        process.stdin.pause();
        process.stdin.off('data', onData);
        process.stderr.write('\n');
        resolve(value.trim());
      } else if (ch === '\u0003') {
        process.stderr.write('\n');
        process.exit(EXIT.USAGE);
      } else if (ch === '\u007f') value = value.slice(0, -1);
      else value += ch;
    };
    process.stdin.on('data', onData);
  });
}

/** @param {import('commander').Command} program */
export function registerSession(program) {
  program
    .command('login')
    .description('store a server and token as a context (token from stdin or a prompt; ~/.config/cutover/config.json, mode 0600)')
    .requiredOption('--server <url>', 'the Cutover api, e.g. https://cutover.example.com')
    .action(async (/** @type {{ server: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const name = cmd.optsWithGlobals().context ?? 'default';
      let server;
      try {
        server = new URL(opts.server).toString().replace(/\/+$/, '');
      } catch {
        throw new CliError(EXIT.USAGE, `--server ${opts.server} is not a URL.`, 'Give the full address, e.g. --server http://127.0.0.1:3000');
      }
      const token = process.env.CUTOVER_TOKEN ?? (await readToken());
      if (!token) throw new CliError(EXIT.USAGE, 'No token given.', 'Pipe it in (`echo $TOKEN | cutover login --server URL`) or type it at the prompt.');
      const me = await api({ server, token }, 'GET', '/v1/session');
      const config = readConfig();
      config.contexts[name] = { server, token };
      config.currentContext = name;
      writeConfig(config);
      process.stdout.write(`Logged in to ${server} as ${me.name} (${me.role}); context "${name}" saved in ${configPath()}.\n`);
    });

  program
    .command('logout')
    .description('forget a context (the token itself stays valid: revoke it with `cutover tokens revoke ID`)')
    .action((/** @type {Record<string, never>} */ _opts, /** @type {import('commander').Command} */ cmd) => {
      const config = readConfig();
      const name = cmd.optsWithGlobals().context ?? config.currentContext;
      if (!name || !config.contexts[name]) throw new CliError(EXIT.USAGE, `No context ${name ?? ''} to forget.`, 'See `cutover context list`.');
      delete config.contexts[name];
      if (config.currentContext === name) config.currentContext = Object.keys(config.contexts)[0] ?? null;
      writeConfig(config);
      process.stdout.write(`Forgot context "${name}".\n`);
    });

  const context = program.command('context').description('list or switch contexts');
  context
    .command('list')
    .option('-o, --output <format>', 'json|yaml')
    .action(async (/** @type {{ output?: string }} */ opts) => {
      const config = readConfig();
      const rows = Object.entries(config.contexts).map(([name, c]) => ({ name, server: c.server, current: name === config.currentContext }));
      await emit(opts.output, rows, () => table(['CURRENT', 'NAME', 'SERVER'], rows.map((r) => [r.current ? '*' : '', r.name, r.server])));
    });
  context
    .command('use <name>')
    .action((/** @type {string} */ name) => {
      const config = readConfig();
      if (!config.contexts[name]) throw new CliError(EXIT.USAGE, `No context named "${name}".`, 'See `cutover context list`.');
      config.currentContext = name;
      writeConfig(config);
      process.stdout.write(`Using context "${name}" (${config.contexts[name].server}).\n`);
    });

  program
    .command('whoami')
    .description('the token the current context acts as')
    .option('-o, --output <format>', 'json|yaml')
    .action(async (/** @type {{ output?: string }} */ opts, /** @type {import('commander').Command} */ cmd) => {
      const ctx = resolveContext(cmd.optsWithGlobals().context);
      const me = await api(ctx, 'GET', '/v1/session');
      await emit(opts.output, { server: ctx.server, ...me, csrfToken: undefined, expiresAt: undefined }, () => process.stdout.write(`${me.name} (${me.role}) on ${ctx.server}\n`));
    });
}
