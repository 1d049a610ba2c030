// Which environments a wave (or any multi-environment request) means when it names them by label: an environment
// matches `environmentSelector` against its own labels and `clusterSelector` against its cluster's labels; with both,
// it must match both. The caller resolves once and freezes the names (issue 14): labels changed later do not move a run.
import type { FieldError, Validated } from '../errors/domain.errors';
import { type LabelSelector, matchesLabelSelector, validateLabelSelector } from './label-selector.rules';

export interface SelectableEnvironment {
  name: string;
  labels: Readonly<Record<string, string>>;
  cluster: { name: string; labels: Readonly<Record<string, string>> };
}

export interface EnvironmentSelectors {
  environmentSelector?: LabelSelector;
  clusterSelector?: LabelSelector;
}

/** The environments both selectors match, in the order given. No selector: every environment. */
export function selectEnvironments<E extends SelectableEnvironment>(envs: readonly E[], selectors: EnvironmentSelectors): E[] {
  return envs.filter(
    (env) =>
      (selectors.environmentSelector === undefined || matchesLabelSelector(selectors.environmentSelector, env.labels)) &&
      (selectors.clusterSelector === undefined || matchesLabelSelector(selectors.clusterSelector, env.cluster.labels)),
  );
}

/**
 * Reads `environmentSelector` / `clusterSelector` of a request object (absent or null: not given). Errors are at
 * `<base>.environmentSelector` / `<base>.clusterSelector`, e.g. "waves[1].environmentSelector: expected ')' at 23".
 */
export function parseEnvironmentSelectors(input: { environmentSelector?: unknown; clusterSelector?: unknown }, base = ''): Validated<EnvironmentSelectors> {
  const errors: FieldError[] = [];
  const out: EnvironmentSelectors = {};
  for (const field of ['environmentSelector', 'clusterSelector'] as const) {
    const raw = input[field];
    if (raw === undefined || raw === null) continue;
    const parsed = validateLabelSelector(raw, base ? `${base}.${field}` : field);
    if (parsed.ok) out[field] = parsed.value;
    else errors.push(...parsed.errors);
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}
