// Kubernetes label selectors (k8s.io/apimachinery/pkg/labels/selector.go), parsed and matched the way the API server
// does, so a selector that works with `kubectl get -l` means the same thing to Cutover:
//   k=v  k==v  k!=v  k in (a,b)  k notin (a,b)  k  !k     joined by ',' (AND); "" selects everything.
// Quirks kept from Kubernetes: `k=` means "k equals the empty value"; `in ()` and `(a,)` include the empty value;
// `!=`/`notin` also match objects without the key. Set-based `>`/`<` (gt/lt) are not supported here.
import type { FieldError, Validated } from '../errors/domain.errors';
import { isLabelValue, isQualifiedName } from '../release/k8s-syntax.rules';

export type SelectorOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!';

/** One requirement; `values` sorted and without duplicates (set semantics), empty for `exists` and `!`. */
export interface LabelRequirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/** All requirements must hold (AND). No requirements: selects everything. */
export interface LabelSelector {
  requirements: LabelRequirement[];
}

/** Where the text stops making sense: `position` is the 0-based character offset into the selector. */
export interface SelectorSyntaxError {
  position: number;
  message: string;
}

export type SelectorParse = { ok: true; value: LabelSelector } | { ok: false; error: SelectorSyntaxError };

/** Longest selector accepted: 64 requirements of maximal keys and values fit well within it. */
export const MAX_SELECTOR_LENGTH = 16 * 1024;

type TokenKind = 'identifier' | '!' | '=' | '==' | '!=' | ',' | '(' | ')' | 'end' | 'unsupported';

interface Token {
  kind: TokenKind;
  text: string;
  position: number;
}

const SPECIAL = new Set(['!', '=', ',', '(', ')', '<', '>']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i += 1;
      continue;
    }
    const start = i;
    if (c === '!' || c === '=') {
      if (text[i + 1] === '=') {
        tokens.push({ kind: c === '!' ? '!=' : '==', text: `${c}=`, position: start });
        i += 2;
      } else {
        tokens.push({ kind: c, text: c, position: start });
        i += 1;
      }
    } else if (c === ',' || c === '(' || c === ')') {
      tokens.push({ kind: c, text: c, position: start });
      i += 1;
    } else if (c === '<' || c === '>') {
      tokens.push({ kind: 'unsupported', text: c, position: start });
      i += 1;
    } else {
      while (i < text.length && !isSpace(text[i]) && !SPECIAL.has(text[i])) i += 1;
      tokens.push({ kind: 'identifier', text: text.slice(start, i), position: start });
    }
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}

class SyntaxFailure {
  constructor(readonly error: SelectorSyntaxError) {}
}

const describeToken = (t: Token) => (t.kind === 'end' ? 'end of selector' : `'${t.text}'`);

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'end') this.i += 1;
    return t;
  }

  private fail(position: number, message: string): never {
    throw new SyntaxFailure({ position, message });
  }

  selector(): LabelSelector {
    const requirements: LabelRequirement[] = [];
    if (this.peek().kind === 'end') return { requirements };
    for (;;) {
      requirements.push(this.requirement());
      const t = this.next();
      if (t.kind === 'end') return { requirements };
      if (t.kind !== ',') this.fail(t.position, `expected ',' or end of selector, found ${describeToken(t)}`);
      if (this.peek().kind === 'end') this.fail(this.peek().position, "expected a requirement after ','");
    }
  }

  private key(): { key: string; position: number } {
    const t = this.next();
    if (t.kind !== 'identifier') this.fail(t.position, `expected a label key, found ${describeToken(t)}`);
    if (!isQualifiedName(t.text)) {
      this.fail(t.position, `invalid label key '${t.text}': [prefix/]name, name ≤63 alphanumerics, '-', '_', '.' starting and ending alphanumeric, prefix a DNS subdomain`);
    }
    return { key: t.text, position: t.position };
  }

  private value(t: Token): string {
    if (!isLabelValue(t.text)) {
      this.fail(t.position, `invalid label value '${t.text}': empty or ≤63 alphanumerics, '-', '_', '.' starting and ending alphanumeric`);
    }
    return t.text;
  }

  private requirement(): LabelRequirement {
    if (this.peek().kind === '!') {
      this.next();
      const { key } = this.key();
      const after = this.peek();
      if (after.kind !== ',' && after.kind !== 'end') this.fail(after.position, `expected ',' or end of selector after '!${key}', found ${describeToken(after)}`);
      return { key, operator: '!', values: [] };
    }
    const { key } = this.key();
    if (this.peek().kind === ',' || this.peek().kind === 'end') return { key, operator: 'exists', values: [] };
    const op = this.next();
    switch (op.kind) {
      case ',':
      case 'end':
        return { key, operator: 'exists', values: [] };
      case '=':
      case '==':
      case '!=':
        return { key, operator: op.kind === '!=' ? '!=' : '=', values: [this.exactValue()] };
      case 'identifier':
        if (op.text === 'in' || op.text === 'notin') return { key, operator: op.text, values: this.valueSet() };
        return this.fail(op.position, `expected an operator (=, ==, !=, in, notin) after '${key}', found ${describeToken(op)}`);
      case 'unsupported':
        return this.fail(op.position, `the '${op.text}' operator is not supported; use =, ==, !=, in, notin, exists or !`);
      case '!':
      case '(':
      case ')':
        return this.fail(op.position, `expected an operator (=, ==, !=, in, notin) after '${key}', found ${describeToken(op)}`);
    }
  }

  /** After `=`, `==` or `!=`: one value, or none before ',' / end (the empty value). */
  private exactValue(): string {
    const t = this.peek();
    if (t.kind === ',' || t.kind === 'end') return '';
    if (t.kind !== 'identifier') this.fail(t.position, `expected a value, found ${describeToken(t)}`);
    return this.value(this.next());
  }

  /** `( v1, v2, ... )`; an empty slot is the empty value, as in Kubernetes. */
  private valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(open.position, `expected '(', found ${describeToken(open)}`);
    const values = new Set<string>();
    let expectValue = true;
    for (;;) {
      const t = this.next();
      if (t.kind === 'identifier' && expectValue) {
        values.add(this.value(t));
        expectValue = false;
      } else if (t.kind === ',') {
        if (expectValue) values.add('');
        expectValue = true;
      } else if (t.kind === ')') {
        if (expectValue) values.add('');
        return [...values].sort();
      } else if (t.kind === 'end') {
        this.fail(t.position, "expected ')'");
      } else {
        this.fail(t.position, expectValue ? `expected a value, ',' or ')', found ${describeToken(t)}` : `expected ',' or ')', found ${describeToken(t)}`);
      }
    }
  }
}

/** Parses Kubernetes label-selector syntax; never throws. */
export function parseLabelSelector(text: string): SelectorParse {
  if (text.length > MAX_SELECTOR_LENGTH) return { ok: false, error: { position: MAX_SELECTOR_LENGTH, message: `selector longer than ${MAX_SELECTOR_LENGTH} characters` } };
  try {
    return { ok: true, value: new Parser(tokenize(text)).selector() };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/**
 * A selector field of a request: a string in selector syntax. A broken one is one field error,
 * `{path, rule: 'label-selector', message: "<path>: expected ')' at 23"}`, ready for problem+json.
 */
export function validateLabelSelector(v: unknown, path: string): Validated<LabelSelector> {
  if (typeof v !== 'string') return { ok: false, errors: [{ path, rule: 'type', message: `${path}: must be a label selector string such as "tier=prod,region in (eu,us)"` }] };
  const parsed = parseLabelSelector(v);
  if (parsed.ok) return parsed;
  return { ok: false, errors: [selectorFieldError(path, parsed.error)] };
}

export function selectorFieldError(path: string, error: SelectorSyntaxError): FieldError {
  return { path, rule: 'label-selector', message: `${path}: ${error.message} at ${error.position}` };
}

function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case 'in':
      return has && r.values.includes(labels[r.key]);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(labels[r.key]);
  }
}

/** Kubernetes' meaning: every requirement holds; `!=` and `notin` also hold when the key is absent. */
export function matchesLabelSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => requirementMatches(r, labels));
}

/** The canonical text of a selector (what a run shows as frozen): `parseLabelSelector(formatLabelSelector(s))` gives `s` back. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements
    .map((r) => {
      switch (r.operator) {
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case '=':
        case '!=':
          return `${r.key}${r.operator}${r.values[0] ?? ''}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.operator} (${r.values.join(',')})`;
      }
    })
    .join(',');
}
