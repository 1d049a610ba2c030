// Resolving a strategy's analyses when a deployment is created: templates are looked up by name, placeholders
// ({{args.x}}, {{release.version}}, {{deployment.canaryService}}, ...) filled in, and the result stored inline in the
// deployment's strategy. A missing template or argument is refused then (422 naming the field), not mid-rollout.
import type { FieldError, Validated } from '../errors/domain.errors';
import type { StrategyDocument } from '../strategy-document/strategy-document.types';
import type { AnalysisMetric, AnalysisRef, MetricProvider } from './analysis.types';

/** The names a placeholder may take: {{args.NAME}}, {{release.version}}, {{deployment.canaryService}}, ... */
export const PLACEHOLDER = /\{\{\s*([A-Za-z][\w-]*)\.([A-Za-z][\w-]*)\s*\}\}/g;

/** An analysis template as the resolver needs it (the latest version of the app's template of that name). */
export interface AnalysisTemplateDoc {
  id: string;
  name: string;
  version: number;
  /** Declared arguments; value null = the deployment must pass one. */
  args: Array<{ name: string; value: string | null }>;
  metrics: AnalysisMetric[];
  /** Sealed credentials for its prometheus metrics, if any. */
  credentials: { kind: 'bearer' | 'basic' } | null;
}

/** What {{release.*}} and {{deployment.*}} stand for. */
export interface AnalysisVars {
  release: { version: string; previousVersion: string };
  deployment: { app: string; environment: string; namespace: string; canaryService: string; stableService: string; activeService: string; previewService: string };
}

/** Where a strategy runs analyses, each with its field path. */
export function strategyAnalyses(doc: StrategyDocument, path = 'strategy'): Array<{ path: string; ref: AnalysisRef }> {
  const out: Array<{ path: string; ref: AnalysisRef }> = [];
  if (doc.type === 'BlueGreen') {
    if (doc.prePromotionAnalysis) out.push({ path: `${path}.prePromotionAnalysis`, ref: doc.prePromotionAnalysis });
    if (doc.postPromotionAnalysis) out.push({ path: `${path}.postPromotionAnalysis`, ref: doc.postPromotionAnalysis });
  }
  if (doc.type === 'Canary') {
    if (doc.backgroundAnalysis) out.push({ path: `${path}.backgroundAnalysis`, ref: doc.backgroundAnalysis });
    doc.steps.forEach((s, i) => {
      if ('analysis' in s) out.push({ path: `${path}.steps[${i}].analysis`, ref: s.analysis });
    });
  }
  return out;
}

/** Names of the templates a strategy refers to (to load them before resolving). */
export function referencedTemplates(doc: StrategyDocument): string[] {
  return [...new Set(strategyAnalyses(doc).flatMap((a) => a.ref.templates))];
}

type Lookup = (scope: string, key: string) => { value: string } | { missing: string; path?: string };

function fill(text: string, lookup: Lookup, path: string, errors: FieldError[]): string {
  return text.replace(PLACEHOLDER, (whole, scope: string, key: string) => {
    const found = lookup(scope, key);
    if ('value' in found) return found.value;
    const at = found.path ?? path;
    if (!errors.some((e) => e.path === at && e.message === found.missing)) errors.push({ path: at, rule: 'argument', message: found.missing });
    return whole;
  });
}

function fillProvider(p: MetricProvider, lookup: Lookup, path: string, errors: FieldError[]): MetricProvider {
  const f = (text: string, field: string) => fill(text, lookup, `${path}.${p.type}.${field}`, errors);
  switch (p.type) {
    case 'prometheus':
      return { ...p, address: f(p.address, 'address'), query: f(p.query, 'query') };
    case 'web':
      return {
        ...p,
        url: f(p.url, 'url'),
        headers: p.headers.map((h) => ({ name: h.name, value: f(h.value, `headers.${h.name}`) })),
        body: p.body === null ? null : f(p.body, 'body'),
        jsonPath: p.jsonPath === null ? null : f(p.jsonPath, 'jsonPath'),
      };
    case 'job':
      return { ...p, image: f(p.image, 'image'), command: p.command.map((c, i) => f(c, `command[${i}]`)), args: p.args.map((a, i) => f(a, `args[${i}]`)) };
    case 'http':
      return { ...p, url: f(p.url, 'url') };
  }
}

function lookupFor(vars: AnalysisVars | null, args: Record<string, string>, argsPath: string, owner: string): Lookup {
  return (scope, key) => {
    if (scope === 'args') {
      const v = args[key];
      return v === undefined ? { missing: `argument \`${key}\` is needed by ${owner}: pass it in ${argsPath}.${key}.`, path: `${argsPath}.${key}` } : { value: v };
    }
    if (vars === null) return { value: `{{${scope}.${key}}}` };
    if (scope === 'release' && (key === 'version' || key === 'previousVersion')) return { value: vars.release[key] };
    if (scope === 'deployment' && key in vars.deployment) return { value: vars.deployment[key as keyof AnalysisVars['deployment']] };
    return { missing: `{{${scope}.${key}}} is not a known placeholder (args.*, release.version, release.previousVersion, deployment.canaryService, ...).` };
  };
}

/**
 * Checks a template's own metrics: every {{args.x}} must be declared in its args, every other placeholder known.
 * Used when a template is written; `path` names its metrics list.
 */
export function checkTemplatePlaceholders(metrics: readonly AnalysisMetric[], declared: readonly string[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  const stand = Object.fromEntries(declared.map((n) => [n, 'x']));
  const vars: AnalysisVars = {
    release: { version: 'x', previousVersion: 'x' },
    deployment: { app: 'x', environment: 'x', namespace: 'x', canaryService: 'x', stableService: 'x', activeService: 'x', previewService: 'x' },
  };
  const lookup = lookupFor(vars, stand, 'args', 'the template');
  const strict: Lookup = (scope, key) =>
    scope === 'args' && !(key in stand) ? { missing: `{{args.${key}}} names an argument the template does not declare in args.` } : lookup(scope, key);
  metrics.forEach((m, i) => fillProvider(m.provider, strict, `${path}[${i}].provider`, errors));
  return errors;
}

function resolveRef(
  ref: AnalysisRef,
  path: string,
  templates: Readonly<Record<string, AnalysisTemplateDoc>>,
  vars: AnalysisVars | null,
  errors: FieldError[],
): AnalysisRef {
  const metrics: AnalysisMetric[] = [];
  ref.templates.forEach((name, i) => {
    const t = templates[name];
    if (!t) {
      errors.push({ path: `${path}.templates[${i}]`, rule: 'exists', message: `analysis template "${name}" does not exist for this app.` });
      return;
    }
    const args: Record<string, string> = {};
    for (const a of t.args) {
      const v = ref.args[a.name] ?? a.value;
      if (v !== null) args[a.name] = v;
    }
    const lookup = lookupFor(vars, args, `${path}.args`, `template "${name}"`);
    for (const m of t.metrics) {
      const provider = fillProvider(m.provider, lookup, `${path}.templates[${i}]:${m.name}.provider`, errors);
      const withCredentials = provider.type === 'prometheus' && t.credentials ? { ...provider, credentials: { templateId: t.id, kind: t.credentials.kind } } : provider;
      metrics.push({ ...m, provider: withCredentials });
    }
  });
  const inline = lookupFor(vars, ref.args, `${path}.args`, 'the metric');
  ref.metrics.forEach((m, i) => metrics.push({ ...m, provider: fillProvider(m.provider, inline, `${path}.metrics[${i}].provider`, errors) }));
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m.name)) errors.push({ path, rule: 'unique', message: `metric name "${m.name}" appears twice (templates and inline metrics share one namespace).` });
    seen.add(m.name);
  }
  // The argument values went into the metrics; they stay for the record.
  return { templates: [], args: ref.args, metrics };
}

/**
 * The strategy with every analysis resolved (templates inlined, placeholders filled). With `vars` null only the
 * arguments are checked and release/deployment placeholders are left for later.
 */
export function resolveStrategyAnalyses(
  doc: StrategyDocument,
  templates: Readonly<Record<string, AnalysisTemplateDoc>>,
  vars: AnalysisVars | null,
  path = 'strategy',
): Validated<StrategyDocument> {
  const errors: FieldError[] = [];
  const r = (ref: AnalysisRef, p: string) => resolveRef(ref, p, templates, vars, errors);
  let out: StrategyDocument = doc;
  if (doc.type === 'BlueGreen') {
    out = {
      ...doc,
      prePromotionAnalysis: doc.prePromotionAnalysis && r(doc.prePromotionAnalysis, `${path}.prePromotionAnalysis`),
      postPromotionAnalysis: doc.postPromotionAnalysis && r(doc.postPromotionAnalysis, `${path}.postPromotionAnalysis`),
    };
  } else if (doc.type === 'Canary') {
    out = {
      ...doc,
      backgroundAnalysis: doc.backgroundAnalysis && r(doc.backgroundAnalysis, `${path}.backgroundAnalysis`),
      steps: doc.steps.map((s, i) => ('analysis' in s ? { analysis: r(s.analysis, `${path}.steps[${i}].analysis`) } : s)),
    };
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}

/** The strategy without its analyses: a rollback goes back to what served before without waiting on metrics. */
export function withoutAnalyses(doc: StrategyDocument): StrategyDocument {
  if (doc.type === 'BlueGreen') return { ...doc, prePromotionAnalysis: null, postPromotionAnalysis: null };
  if (doc.type === 'Canary') return { ...doc, backgroundAnalysis: null, steps: doc.steps.filter((s) => !('analysis' in s)).length > 0 ? doc.steps.filter((s) => !('analysis' in s)) : [{ setWeight: 100 }] };
  return doc;
}
