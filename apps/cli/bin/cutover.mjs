#!/usr/bin/env node
// `cutover`: the Cutover CLI (docs/cli.md). Plain ESM with JSDoc types (checked by tsc): no build step and a cold
// start of a few tens of milliseconds. Exit codes: 0 ok, 1 operation failed, 2 usage, 3 auth, 4 conflict.
import { Command, CommanderError } from 'commander';
import { registerDeploy } from '../src/commands/deploy.command.mjs';
import { registerReads } from '../src/commands/read.command.mjs';
import { registerSession } from '../src/commands/session.command.mjs';
import { CliError, EXIT } from '../src/errors.mjs';

const program = new Command('cutover')
  .description('Cutover: deployments to Kubernetes, from the terminal')
  .version('0.1.0')
  .option('--context <name>', 'the context to use (see `cutover context list`)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerSession(program);
registerReads(program);
registerDeploy(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version are "errors" that exit 0; everything else commander refuses is a usage error.
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else if (error instanceof CliError) {
    process.stderr.write(`error: ${error.message}\n${error.hint ? `next: ${error.hint}\n` : ''}`);
    process.exitCode = error.code;
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.FAILED;
  }
}
