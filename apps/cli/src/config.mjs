// Contexts like kubeconfig: ~/.config/cutover/config.json (mode 0600), several named servers and tokens, one
// current. CUTOVER_SERVER / CUTOVER_TOKEN override the file (CI, bots); CUTOVER_CONFIG_DIR moves it (tests).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './errors.mjs';

/**
 * @typedef {{ server: string, token: string }} Context
 * @typedef {{ currentContext: string | null, contexts: Record<string, Context> }} CliConfig
 */

export function configDir() {
  if (process.env.CUTOVER_CONFIG_DIR) return process.env.CUTOVER_CONFIG_DIR;
  const base = process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(base, 'cutover');
}

export function configPath() {
  return path.join(configDir(), 'config.json');
}

/** @returns {CliConfig} */
export function readConfig() {
  const file = configPath();
  if (!existsSync(file)) return { currentContext: null, contexts: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    return { currentContext: parsed.currentContext ?? null, contexts: parsed.contexts ?? {} };
  } catch (error) {
    throw new CliError(EXIT.USAGE, `${file} is not valid JSON (${/** @type {Error} */ (error).message}).`, 'Fix it or delete it and run `cutover login` again.');
  }
}

/** Written whole to a temporary file (0600) and renamed over the old one: never half a file, never readable by others. */
export function writeConfig(/** @type {CliConfig} */ config) {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = configPath();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * The server and token to use: the environment first, then `--context`, then the current context.
 * @param {string | undefined} contextName
 * @returns {Context & { name: string }}
 */
export function resolveContext(contextName) {
  const envServer = process.env.CUTOVER_SERVER;
  const envToken = process.env.CUTOVER_TOKEN;
  const config = envServer && envToken ? { currentContext: null, contexts: {} } : readConfig();
  const name = contextName ?? config.currentContext ?? undefined;
  const fromFile = name ? config.contexts[name] : undefined;
  if (contextName && !fromFile && !(envServer && envToken)) {
    throw new CliError(EXIT.USAGE, `No context named "${contextName}".`, `Known: ${Object.keys(config.contexts).join(', ') || 'none'}. Create it with \`cutover login --server URL --context ${contextName}\`.`);
  }
  const server = envServer ?? fromFile?.server;
  const token = envToken ?? fromFile?.token;
  if (!server || !token) {
    throw new CliError(EXIT.AUTH, 'Not logged in.', 'Run `cutover login --server https://cutover.example.com` (or set CUTOVER_SERVER and CUTOVER_TOKEN).');
  }
  return { name: name ?? 'env', server: server.replace(/\/+$/, ''), token };
}
