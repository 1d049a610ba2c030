// The body of POST /v1/apps/:app/waves, checked before anything is read or written: every broken rule named with its
// path (`waves[1].gate.bake`). What needs the database (environments exist, belong to the app, templates exist) is
// the api's, with the same paths.
import { parseAnalysisRef } from '../analysis/analysis-document.rules';
import type { Validated } from '../errors/domain.errors';
import { FieldReader, type Json } from '../strategy-document/strategy-fields.rules';
import type { WaveApprovalGate, WaveGate, WaveRunPolicy } from './wave-run.types';

export const MAX_WAVES = 50;
export const MAX_ENVIRONMENTS_PER_RUN = 500;
const ROLES = ['viewer', 'deployer', 'admin'] as const;

export interface WaveRequest {
  name: string;
  /** Named environments, or null when chosen by selector. */
  environments: string[] | null;
  environmentSelector: string | null;
  clusterSelector: string | null;
  maxParallel: number | null;
  strategy: unknown;
  gate: WaveGate;
}

export interface WaveRunRequest {
  release: string;
  reason: string | null;
  policy: WaveRunPolicy;
  waves: WaveRequest[];
}

function approvalOf(r: FieldReader, value: unknown, path: string): WaveApprovalGate | null | undefined {
  if (value === undefined || value === null || value === false) return null;
  if (value === true) return { required: 1, from: ['deployer'], excludeCreator: false };
  const o = r.object(value, path, ['required', 'from', 'excludeCreator']);
  if (!o) return undefined;
  const required = o.required === undefined ? 1 : r.integer(o.required, `${path}.required`, 1, 20);
  let from: WaveApprovalGate['from'] | undefined = ['deployer'];
  if (o.from !== undefined) {
    if (!Array.isArray(o.from) || o.from.length === 0) from = r.fail(`${path}.from`, 'type', `${path}.from must be a non-empty list of roles (${ROLES.join(', ')}).`);
    else {
      const bad = o.from.findIndex((x) => !(ROLES as readonly unknown[]).includes(x));
      from = bad >= 0 ? r.fail(`${path}.from[${bad}]`, 'oneOf', `${path}.from[${bad}] must be one of ${ROLES.join(', ')}.`) : (o.from as WaveApprovalGate['from']);
    }
  }
  const excludeCreator = o.excludeCreator === undefined ? false : r.boolean(o.excludeCreator, `${path}.excludeCreator`);
  if (required === undefined || from === undefined || excludeCreator === undefined) return undefined;
  return { required, from, excludeCreator };
}

function gateOf(r: FieldReader, value: unknown, path: string): WaveGate | undefined {
  const none: WaveGate = { bakeSeconds: null, manual: false, analysis: null, approval: null };
  if (value === undefined || value === null) return none;
  const o = r.object(value, path, ['bake', 'manual', 'analysis', 'approval']);
  if (!o) return undefined;
  const bakeSeconds = o.bake === undefined || o.bake === null ? null : r.duration(o.bake, `${path}.bake`);
  const manual = o.manual === undefined ? false : r.boolean(o.manual, `${path}.manual`);
  const analysis = o.analysis === undefined || o.analysis === null ? null : parseAnalysisRef(r, o.analysis, `${path}.analysis`);
  const approval = approvalOf(r, o.approval, `${path}.approval`);
  if (bakeSeconds === undefined || manual === undefined || analysis === undefined || approval === undefined) return undefined;
  return { bakeSeconds, manual, analysis, approval };
}

function namesOf(r: FieldReader, value: unknown, path: string): string[] | undefined {
  if (!Array.isArray(value)) return r.fail(path, 'type', `${path} must be a list of environment names.`);
  if (value.length === 0) return r.fail(path, 'notEmpty', `${path} must name at least one environment (an empty wave deploys nothing).`);
  const names: string[] = [];
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v.trim() === '') r.fail(`${path}[${i}]`, 'type', `${path}[${i}] must be an environment name.`);
    else names.push(v);
  });
  return names.length === value.length ? names : undefined;
}

function selectorOf(r: FieldReader, value: unknown, path: string): string | null | undefined {
  if (value === undefined || value === null) return null;
  return r.string(value, path);
}

function waveOf(r: FieldReader, value: unknown, path: string, index: number): WaveRequest | undefined {
  const o = r.object(value, path, ['name', 'environments', 'environmentSelector', 'clusterSelector', 'maxParallel', 'strategy', 'gate']);
  if (!o) return undefined;
  const name = o.name === undefined || o.name === null ? `wave-${index + 1}` : r.string(o.name, `${path}.name`);
  const environmentSelector = selectorOf(r, o.environmentSelector, `${path}.environmentSelector`);
  const clusterSelector = selectorOf(r, o.clusterSelector, `${path}.clusterSelector`);
  const bySelector = environmentSelector !== null || clusterSelector !== null;
  let environments: string[] | null | undefined = null;
  if (o.environments !== undefined && o.environments !== null) {
    environments = namesOf(r, o.environments, `${path}.environments`);
    if (bySelector) r.fail(`${path}.environments`, 'oneOf', `${path} names its environments or selects them by label, not both.`);
  } else if (!bySelector) {
    r.fail(`${path}.environments`, 'required', `${path} needs environments (names) or an environmentSelector / clusterSelector.`);
  }
  const maxParallel = o.maxParallel === undefined || o.maxParallel === null ? null : r.integer(o.maxParallel, `${path}.maxParallel`, 1);
  const strategy = o.strategy === undefined || o.strategy === null ? null : (r.object(o.strategy, `${path}.strategy`, Object.keys(o.strategy as Json)) ?? undefined);
  const gate = gateOf(r, o.gate, `${path}.gate`);
  if (name === undefined || environments === undefined || environmentSelector === undefined || clusterSelector === undefined || maxParallel === undefined || strategy === undefined || gate === undefined) {
    return undefined;
  }
  return { name, environments, environmentSelector, clusterSelector, maxParallel, strategy, gate };
}

/** The request, or every broken rule with its path. Names repeated across waves are the api's check (after selectors). */
export function parseWaveRunRequest(body: unknown): Validated<WaveRunRequest> {
  const r = new FieldReader();
  const o = r.object(body, 'body', ['release', 'reason', 'waves', 'stopOnFailure', 'rollbackCompleted', 'failureBudget', 'supersede']);
  if (!o) return { ok: false, errors: r.errors.map((e) => ({ ...e, path: '' })) };
  const release = r.string(o.release, 'release');
  const reason = o.reason === undefined || o.reason === null ? null : r.string(o.reason, 'reason');
  const stopOnFailure = o.stopOnFailure === undefined ? true : r.boolean(o.stopOnFailure, 'stopOnFailure');
  const rollbackCompleted = o.rollbackCompleted === undefined ? false : r.boolean(o.rollbackCompleted, 'rollbackCompleted');
  const supersede = o.supersede === undefined ? false : r.boolean(o.supersede, 'supersede');
  const failureBudget = o.failureBudget === undefined ? 0 : r.integer(o.failureBudget, 'failureBudget', 0);
  let waves: WaveRequest[] | undefined;
  if (!Array.isArray(o.waves)) waves = r.fail('waves', 'type', 'waves must be a list of waves.');
  else if (o.waves.length === 0) waves = r.fail('waves', 'notEmpty', 'waves must hold at least one wave.');
  else if (o.waves.length > MAX_WAVES) waves = r.fail('waves', 'max', `waves holds at most ${MAX_WAVES} waves.`);
  else {
    const parsed = o.waves.map((w, i) => waveOf(r, w, `waves[${i}]`, i));
    // Names repeated are reported even when another wave is broken: every rule at once.
    const seen = new Map<string, number>();
    parsed.forEach((w, i) => {
      if (!w) return;
      const first = seen.get(w.name);
      if (first !== undefined) r.fail(`waves[${i}].name`, 'unique', `waves[${i}].name "${w.name}" is already the name of waves[${first}].`);
      else seen.set(w.name, i);
    });
    const named = parsed.flatMap((w, i) => (w?.environments ?? []).map((e, j) => ({ e, path: `waves[${i}].environments[${j}]` })));
    duplicateErrors(named).forEach((e) => r.errors.push(e));
    waves = parsed.every((w) => w !== undefined) ? (parsed as WaveRequest[]) : undefined;
  }
  if (r.errors.length > 0 || release === undefined || reason === undefined || stopOnFailure === undefined || rollbackCompleted === undefined || supersede === undefined || failureBudget === undefined || waves === undefined) {
    return { ok: false, errors: r.errors };
  }
  return { ok: true, value: { release, reason, policy: { stopOnFailure, rollbackCompleted, failureBudget, supersede }, waves } };
}

/** An environment named (or selected) twice in one run: the second place is the error, naming the first. */
export function duplicateErrors(placed: ReadonlyArray<{ e: string; path: string }>): Array<{ path: string; rule: string; message: string }> {
  const first = new Map<string, string>();
  const errors: Array<{ path: string; rule: string; message: string }> = [];
  for (const { e, path } of placed) {
    const at = first.get(e);
    if (at !== undefined) errors.push({ path, rule: 'unique', message: `${path}: environment "${e}" is already in the run at ${at}; an environment is deployed once per run.` });
    else first.set(e, path);
  }
  return errors;
}
