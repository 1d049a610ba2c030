import type { FieldError } from '@cutover/domain';

/**
 * Deeper than any document Cutover accepts (a pod spec nests about a dozen levels): anything past it is refused
 * before class-transformer, whose recursion overflows the stack on a few thousand levels.
 */
export const MAX_INPUT_DEPTH = 32;

interface Pending {
  value: unknown;
  path: string;
  depth: number;
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

// Code units, not code points (no `u` flag): a high half not followed by a low one, or a low half not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unsafeString(text: string, path: string): FieldError | undefined {
  // Postgres text cannot hold U+0000 (error 22021), and no name, label or image needs it.
  if (text.includes('\u0000')) return { path, rule: 'noNulCharacter', message: `${path || 'the value'} must not contain a NUL character (U+0000)` };
  // A lone surrogate is not Unicode text: it cannot be stored or hashed as UTF-8 without silently changing it.
  if (LONE_SURROGATE.test(text)) return { path, rule: 'wellFormedUnicode', message: `${path || 'the value'} must be well-formed Unicode (no lone surrogate halves)` };
  return undefined;
}

/**
 * The first thing in a request's params, query or body that no rule downstream can be trusted to refuse cleanly:
 * a NUL character, a lone surrogate (in a value or a key) or nesting deeper than MAX_INPUT_DEPTH. Iterative, so
 * the check itself cannot overflow the stack.
 */
export function findUnsafeInput(value: unknown, root = ''): FieldError | undefined {
  const stack: Pending[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = unsafeString(current, path);
      if (problem) return problem;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      // The path of a bomb is as long as the bomb: name where it starts, not every level.
      const shown = path.length > 40 ? `${path.slice(0, 40)}…` : path || 'the document';
      return { path: shown, rule: 'maxDepth', message: `${shown} nests deeper than ${MAX_INPUT_DEPTH} levels` };
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) stack.push({ value: current[i], path: childPath(path, i), depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(current)) {
      const keyProblem = unsafeString(key, childPath(path, key));
      if (keyProblem) return { ...keyProblem, message: `the key of ${keyProblem.message}` };
      stack.push({ value: (current as Record<string, unknown>)[key], path: childPath(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}
