// Label and field selectors with Kubernetes' grammar (k8s.io/apimachinery/pkg/labels and pkg/fields).
import { badRequest } from './api-error';
import type { KubeObject } from './store.types';

export type LabelOp = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

/** A parsed selector; the empty selector (no requirements) matches everything. */
export type LabelSelectorReqs = LabelRequirement[];

const SPECIAL = new Set([' ', '\t', '\n', ',', '=', '!', '(', ')', '<', '>']);

type Tok = { t: 'id' | 'op' | 'end'; v: string };

function lex(input: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n') { i++; continue; }
    if (c === '=' && input[i + 1] === '=') { out.push({ t: 'op', v: '==' }); i += 2; continue; }
    if (c === '!' && input[i + 1] === '=') { out.push({ t: 'op', v: '!=' }); i += 2; continue; }
    if (c === '=' || c === '!' || c === ',' || c === '(' || c === ')' || c === '<' || c === '>') { out.push({ t: 'op', v: c }); i++; continue; }
    let j = i;
    while (j < input.length && !SPECIAL.has(input[j])) j++;
    out.push({ t: 'id', v: input.slice(i, j) });
    i = j;
  }
  out.push({ t: 'end', v: '' });
  return out;
}

function fail(msg: string): never {
  throw badRequest(`unable to parse requirement: ${msg}`);
}

/** Parses `a=b,c!=d,e in (f,g),h notin (i),j,!k,l>3`. Throws ApiError 400 on bad syntax. */
export function parseLabelSelector(input: string | undefined): LabelSelectorReqs {
  if (!input || !input.trim()) return [];
  const toks = lex(input);
  let p = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];
  const reqs: LabelRequirement[] = [];
  for (;;) {
    let negate = false;
    if (peek().t === 'op' && peek().v === '!') { negate = true; next(); }
    const keyTok = next();
    if (keyTok.t !== 'id') fail(`found '${keyTok.v}', expected: identifier`);
    const key = keyTok.v;
    if (negate) {
      reqs.push({ key, op: '!', values: [] });
    } else {
      const op = peek();
      if (op.t === 'end' || (op.t === 'op' && op.v === ',')) {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (op.t === 'op' && (op.v === '=' || op.v === '==' || op.v === '!=')) {
        next();
        const val = peek();
        let v = '';
        if (val.t === 'id') { v = val.v; next(); } else if (!(val.t === 'end' || (val.t === 'op' && val.v === ','))) {
          fail(`found '${val.v}', expected: identifier`);
        }
        reqs.push({ key, op: op.v === '!=' ? '!=' : '=', values: [v] });
      } else if (op.t === 'op' && (op.v === '<' || op.v === '>')) {
        next();
        const val = next();
        if (val.t !== 'id' || !/^-?\d+$/.test(val.v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op: op.v === '>' ? 'gt' : 'lt', values: [val.v] });
      } else if (op.t === 'id' && (op.v === 'in' || op.v === 'notin')) {
        next();
        const open = next();
        if (!(open.t === 'op' && open.v === '(')) fail(`found '${open.v}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          const v = next();
          if (v.t === 'id') {
            values.push(v.v);
            const sep = next();
            if (sep.t === 'op' && sep.v === ')') break;
            if (!(sep.t === 'op' && sep.v === ',')) fail(`found '${sep.v}', expected: ',', or ')'`);
          } else if (v.t === 'op' && v.v === ')' && values.length === 0) {
            fail(`for 'in', 'notin' operators, values set can't be empty`);
          } else {
            fail(`found '${v.v}', expected: identifier`);
          }
        }
        reqs.push({ key, op: op.v as 'in' | 'notin', values });
      } else {
        fail(`found '${op.v}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    const sep = next();
    if (sep.t === 'end') break;
    if (!(sep.t === 'op' && sep.v === ',')) fail(`found '${sep.v}', expected: ',' or 'end of string'`);
  }
  return reqs;
}

export function matchesLabels(reqs: LabelSelectorReqs, labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? labels[r.key] : undefined;
    switch (r.op) {
      case '=': if (v !== r.values[0]) return false; break;
      case '!=': if (v === r.values[0]) return false; break;
      case 'in': if (v === undefined || !r.values.includes(v)) return false; break;
      case 'notin': if (v !== undefined && r.values.includes(v)) return false; break;
      case 'exists': if (!has) return false; break;
      case '!': if (has) return false; break;
      case 'gt': if (v === undefined || !(Number(v) > Number(r.values[0]))) return false; break;
      case 'lt': if (v === undefined || !(Number(v) < Number(r.values[0]))) return false; break;
    }
  }
  return true;
}

/** metav1.LabelSelector (matchLabels + matchExpressions), as in a Deployment's or Job's spec.selector. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string; values?: string[] }[];
}

export function labelSelectorObjectToReqs(sel: LabelSelectorObject | undefined | null): LabelSelectorReqs {
  if (!sel) return [];
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, op: '=', values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    const op: LabelOp = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : '!';
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

/** True when the selector object selects these labels. An empty selector ({}) selects everything, as in Kubernetes. */
export function selectorMatches(sel: LabelSelectorObject | undefined | null, labels: Record<string, string> | undefined): boolean {
  return matchesLabels(labelSelectorObjectToReqs(sel), labels);
}

/** The string form kubectl shows and clients send, e.g. `app=web,tier in (a,b)`. */
export function formatLabelSelector(sel: LabelSelectorObject | undefined | null): string {
  if (!sel) return '';
  const parts = Object.keys(sel.matchLabels ?? {}).sort().map((k) => `${k}=${sel.matchLabels![k]}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

// ---- field selectors ---------------------------------------------------------------------------------------------

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Parses `metadata.name=x,spec.nodeName!=`; the allowed fields depend on the resource. */
export function parseFieldSelector(input: string | undefined, allowed: readonly string[]): FieldRequirement[] {
  if (!input || !input.trim()) return [];
  const out: FieldRequirement[] = [];
  for (const raw of splitUnescaped(input)) {
    const term = raw.trim();
    if (!term) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${input}'; can't understand '${term}'`);
    const field = m[1].trim();
    if (!allowed.includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    out.push({ field, op: m[2] === '!=' ? '!=' : '=', value: m[3].replace(/\\(.)/g, '$1') });
  }
  return out;
}

function splitUnescaped(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) { cur += s[i] + s[i + 1]; i++; continue; }
    if (s[i] === ',') { parts.push(cur); cur = ''; continue; }
    cur += s[i];
  }
  parts.push(cur);
  return parts;
}

/** Reads a dotted field path of an object as a string ("" when absent), the way field selectors compare. */
export function fieldValue(obj: KubeObject, field: string): string {
  let cur: unknown = obj;
  for (const part of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  if (field === 'source' && typeof cur === 'object') return String((cur as { component?: string }).component ?? '');
  return String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: KubeObject): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
