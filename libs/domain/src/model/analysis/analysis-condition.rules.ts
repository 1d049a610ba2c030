// Conditions are CEL expressions over `result` (docs/adr/0011-cel-conditions-in-the-domain.md): compiled when a
// document is parsed (a broken one is refused there), evaluated for each measurement. The CEL package is pure (no
// I/O, no clock, no dependencies), so it lives here and api, worker and dry-run share one reading of every condition.
import { Environment } from '@marcbachmann/cel-js';

const env = new Environment().registerVariable('result', 'dyn');

type Evaluator = (context: { result: unknown }) => unknown;
const compiled = new Map<string, Evaluator>();
const MAX_CACHED = 5_000;

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** null when `expression` compiles to something that can be true or false; else why not. */
export function conditionError(expression: string): string | null {
  try {
    const checked = env.check(expression);
    if (!checked.valid) return firstLine(checked.error?.message ?? 'does not compile');
    if (checked.type !== 'bool' && checked.type !== 'dyn') return `is of type ${checked.type}, not bool`;
    return null;
  } catch (error) {
    return firstLine(error instanceof Error ? error.message : String(error));
  }
}

function evaluator(expression: string): Evaluator {
  let fn = compiled.get(expression);
  if (!fn) {
    const parsed = env.parse(expression);
    fn = (context) => parsed(context) as unknown;
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(expression, fn);
  }
  return fn;
}

/** Evaluates a condition: true/false, or the reason it could not be evaluated (a type error, a missing key). */
export function evaluateCondition(expression: string, result: unknown): { ok: true; value: boolean } | { ok: false; message: string } {
  try {
    const value = evaluator(expression)({ result });
    if (typeof value !== 'boolean') return { ok: false, message: `\`${expression}\` gave ${typeof value}, not true or false` };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, message: `\`${expression}\`: ${firstLine(error instanceof Error ? error.message : String(error))}` };
  }
}
