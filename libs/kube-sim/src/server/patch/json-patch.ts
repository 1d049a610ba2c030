// application/json-patch+json (RFC 6902) over plain JSON values.
import { deepClone, deepEqual, isPlainObject } from '../../store/json-utils';

export class JsonPatchError extends Error {}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer ${p}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, tokens: string[]): { parent: Container; last: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)];
    else if (isPlainObject(cur) && t in cur) cur = cur[t];
    else throw new JsonPatchError(`path not found: ${t}`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw new JsonPatchError('parent is not a container');
  return { parent: cur as Container, last: tokens[tokens.length - 1] };
}

function arrayIndex(arr: unknown[], t: string, forAdd: boolean): number {
  if (forAdd && t === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(t)) throw new JsonPatchError(`invalid array index ${t}`);
  const i = Number(t);
  if (i > arr.length || (!forAdd && i >= arr.length)) throw new JsonPatchError(`array index out of range ${t}`);
  return i;
}

function get(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return doc;
  const { parent, last } = parentOf(doc, tokens);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false)];
  if (!(last in parent)) throw new JsonPatchError(`path not found: ${last}`);
  return parent[last];
}

function add(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return undefined;
  const { parent, last } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
  else {
    if (!(last in parent)) throw new JsonPatchError(`path not found: ${last}`);
    delete parent[last];
  }
  return doc;
}

export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let doc = deepClone(target);
  for (const raw of ops as Op[]) {
    if (!isPlainObject(raw) || typeof raw.path !== 'string') throw new JsonPatchError('invalid operation');
    const tokens = parsePointer(raw.path);
    switch (raw.op) {
      case 'add': doc = add(doc, tokens, deepClone(raw.value)); break;
      case 'remove': doc = remove(doc, tokens); break;
      case 'replace': {
        if (tokens.length === 0) { doc = deepClone(raw.value); break; }
        get(doc, tokens);
        const { parent, last } = parentOf(doc, tokens);
        if (Array.isArray(parent)) parent[arrayIndex(parent, last, false)] = deepClone(raw.value);
        else parent[last] = deepClone(raw.value);
        break;
      }
      case 'move': {
        const from = parsePointer(String(raw.from));
        const v = get(doc, from);
        doc = add(remove(doc, from), tokens, v);
        break;
      }
      case 'copy': doc = add(doc, tokens, deepClone(get(doc, parsePointer(String(raw.from))))); break;
      case 'test':
        if (!deepEqual(get(doc, tokens), raw.value)) throw new JsonPatchError('testing value failed');
        break;
      default: throw new JsonPatchError(`Unexpected kind: ${String(raw.op)}`);
    }
  }
  return doc;
}
