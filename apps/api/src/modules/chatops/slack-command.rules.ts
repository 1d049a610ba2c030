// `/cutover …` text → one intent, or the usage. Pure: the chat service acts on what this returns.

export type ChatCommand =
  | { verb: 'help' }
  | { verb: 'deploy'; app: string; version: string; environment: string; strategy?: string; reason: string | null }
  | { verb: 'status'; app: string; environment: string | null }
  | { verb: 'history'; app: string; environment: string }
  | { verb: 'plan'; app: string; version: string; environment: string; strategy?: string }
  | { verb: 'approve'; target: { deploymentId: string } | { app: string; environment: string }; reason: string | null }
  | {
      verb: 'promote' | 'pause' | 'resume' | 'abort' | 'rollback' | 'retry';
      target: { deploymentId: string } | { app: string; environment: string };
      reason: string | null;
      full: boolean;
    };

export type ChatVerb = ChatCommand['verb'];
export type ActionVerb = Extract<ChatCommand, { target: unknown; full: boolean }>['verb'];
export const ACTION_VERBS: readonly ActionVerb[] = ['promote', 'pause', 'resume', 'abort', 'rollback', 'retry'];

export type Parsed = { ok: true; command: ChatCommand } | { ok: false; problem: string };

export const USAGE = [
  '*Cutover* — `/cutover <command>`',
  '• `deploy <app> <version> to <env> [--strategy <type or JSON>] [--reason <text>]`',
  '• `status <app> [env]` — the latest deployment per environment',
  '• `promote|pause|resume|abort|rollback|retry <app> <env> [--reason <text>]` — or a deployment id instead of `<app> <env>`; `promote --full` skips the remaining steps',
  '• `history <app> <env>` — what ran there, newest first',
  '• `plan <app> <version> to <env> [--strategy <type or JSON>]` — the dry-run: steps, extra pods and resources against the free capacity, gates, warnings; nothing is created',
  '• `approve <app> <env> [--reason <text>]` — or a deployment id: your approval at its current (or next) approval gate',
  '• `help` — this text',
].join('\n');

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
const MAX_TEXT = 2_000;

/** Splits on whitespace, keeping "double-quoted" or “smart-quoted” runs (Slack turns " into “ ” in many clients). */
export function tokenize(text: string): string[] | null {
  const out: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]!);
  if (/["“”]/.test(out.join(' ')) && !/^(".*"|“.*”)$/.test(text.trim())) {
    // An unbalanced quote leaves a stray quote character in a token: that is malformed, not a name.
    if (out.some((t) => /["“”]/.test(t))) return null;
  }
  return out;
}

function options(tokens: string[], allowed: readonly string[]): { rest: string[]; opts: Record<string, string | true> } | string {
  const rest: string[] = [];
  const opts: Record<string, string | true> = {};
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (!t.startsWith('--')) {
      rest.push(t);
      continue;
    }
    const [name, inline] = t.slice(2).split('=', 2) as [string, string | undefined];
    if (!allowed.includes(name)) return `unknown option --${name}`;
    if (name === 'full') {
      opts.full = true;
      continue;
    }
    if (inline !== undefined) {
      opts[name] = inline;
      continue;
    }
    if (name === 'reason') {
      // The reason runs to the next option (or the end): `--reason rolling forward after the fix`.
      const words: string[] = [];
      while (i + 1 < tokens.length && !tokens[i + 1]!.startsWith('--')) words.push(tokens[(i += 1)]!);
      if (words.length === 0) return '--reason needs a text';
      opts.reason = words.join(' ');
      continue;
    }
    const value = tokens[i + 1];
    if (value === undefined || value.startsWith('--')) return `--${name} needs a value`;
    opts[name] = value;
    i += 1;
  }
  return { rest, opts };
}

const name = (value: string | undefined, what: string): string | { problem: string } =>
  value !== undefined && NAME.test(value) ? value : { problem: `${what} must be a name like \`shop\` (lower-case letters, digits and -)` };

export function parseChatCommand(text: string): Parsed {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (text.length > MAX_TEXT || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return { ok: false, problem: 'the command is too long or has control characters' };
  const tokens = tokenize(text.trim());
  if (tokens === null) return { ok: false, problem: 'a quote is not closed' };
  const [verb, ...args] = tokens;
  if (verb === undefined || verb === 'help') return args.length === 0 ? { ok: true, command: { verb: 'help' } } : { ok: false, problem: '`help` takes nothing after it' };
  const lower = verb.toLowerCase();
  switch (lower) {
    case 'plan':
    case 'deploy': {
      const parsed = options(args, lower === 'deploy' ? ['strategy', 'reason'] : ['strategy']);
      if (typeof parsed === 'string') return { ok: false, problem: parsed };
      const [app, version, to, environment, ...extra] = parsed.rest;
      if (to !== 'to' || extra.length > 0) return { ok: false, problem: `${lower} reads \`${lower} <app> <version> to <env>\`` };
      const a = name(app, 'app');
      const e = name(environment, 'env');
      if (typeof a !== 'string') return { ok: false, problem: a.problem };
      if (typeof e !== 'string') return { ok: false, problem: e.problem };
      if (!version || !VERSION.test(version)) return { ok: false, problem: 'version must be a release version like `1.4.0`' };
      const strategy = typeof parsed.opts.strategy === 'string' ? parsed.opts.strategy : undefined;
      if (lower === 'plan') return { ok: true, command: { verb: 'plan', app: a, version, environment: e, ...(strategy ? { strategy } : {}) } };
      return { ok: true, command: { verb: 'deploy', app: a, version, environment: e, ...(strategy ? { strategy } : {}), reason: typeof parsed.opts.reason === 'string' ? parsed.opts.reason : null } };
    }
    case 'status': {
      if (args.length < 1 || args.length > 2) return { ok: false, problem: 'status reads `status <app> [env]`' };
      const a = name(args[0], 'app');
      if (typeof a !== 'string') return { ok: false, problem: a.problem };
      if (args[1] === undefined) return { ok: true, command: { verb: 'status', app: a, environment: null } };
      const e = name(args[1], 'env');
      return typeof e === 'string' ? { ok: true, command: { verb: 'status', app: a, environment: e } } : { ok: false, problem: e.problem };
    }
    case 'history': {
      if (args.length !== 2) return { ok: false, problem: 'history reads `history <app> <env>`' };
      const a = name(args[0], 'app');
      const e = name(args[1], 'env');
      if (typeof a !== 'string') return { ok: false, problem: a.problem };
      if (typeof e !== 'string') return { ok: false, problem: e.problem };
      return { ok: true, command: { verb: 'history', app: a, environment: e } };
    }
    case 'promote':
    case 'pause':
    case 'resume':
    case 'abort':
    case 'rollback':
    case 'retry': {
      const parsed = options(args, lower === 'promote' ? ['reason', 'full'] : ['reason']);
      if (typeof parsed === 'string') return { ok: false, problem: parsed };
      const reason = typeof parsed.opts.reason === 'string' ? parsed.opts.reason : null;
      const full = parsed.opts.full === true;
      const v = lower as ActionVerb;
      if (parsed.rest.length === 1 && UUID.test(parsed.rest[0]!)) return { ok: true, command: { verb: v, target: { deploymentId: parsed.rest[0]!.toLowerCase() }, reason, full } };
      if (parsed.rest.length !== 2) return { ok: false, problem: `${lower} reads \`${lower} <app> <env>\` or \`${lower} <deployment id>\`` };
      const a = name(parsed.rest[0], 'app');
      const e = name(parsed.rest[1], 'env');
      if (typeof a !== 'string') return { ok: false, problem: a.problem };
      if (typeof e !== 'string') return { ok: false, problem: e.problem };
      return { ok: true, command: { verb: v, target: { app: a, environment: e }, reason, full } };
    }
    case 'approve': {
      const parsed = options(args, ['reason']);
      if (typeof parsed === 'string') return { ok: false, problem: parsed };
      const reason = typeof parsed.opts.reason === 'string' ? parsed.opts.reason : null;
      if (parsed.rest.length === 1 && UUID.test(parsed.rest[0]!)) return { ok: true, command: { verb: 'approve', target: { deploymentId: parsed.rest[0]!.toLowerCase() }, reason } };
      if (parsed.rest.length !== 2) return { ok: false, problem: 'approve reads `approve <app> <env>` or `approve <deployment id>`' };
      const a = name(parsed.rest[0], 'app');
      const e = name(parsed.rest[1], 'env');
      if (typeof a !== 'string') return { ok: false, problem: a.problem };
      if (typeof e !== 'string') return { ok: false, problem: e.problem };
      return { ok: true, command: { verb: 'approve', target: { app: a, environment: e }, reason } };
    }
    default:
      return { ok: false, problem: `unknown command \`${verb.slice(0, 40)}\`` };
  }
}
