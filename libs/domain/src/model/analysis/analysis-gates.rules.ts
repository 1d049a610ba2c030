// Where a strategy runs its analyses, in order: for the plan / dry-run ("gates") and the docs. Pure.
import type { StrategyDocument } from '../strategy-document/strategy-document.types';
import { strategyAnalyses } from './analysis-resolve.rules';
import type { AnalysisRef } from './analysis.types';

export interface AnalysisGate {
  /** Blue/green before the switch or after it; a canary step; a canary's background analysis. */
  where: 'prePromotion' | 'postPromotion' | 'step' | 'background';
  /** Index of the canary step (0-based) for `step`; null otherwise. */
  step: number | null;
  /** The rollout waits for it (all but background, which runs beside the steps and fails them when it fails). */
  blocking: boolean;
  /** Metric names declared inline, and templates named (resolved when a deployment is created). */
  metrics: string[];
  templates: string[];
  /** Least seconds it takes: its slowest bounded metric (initialDelay + (count - 1) × interval); 0 when unbounded. */
  minSeconds: number;
  /** Field path in the strategy document. */
  path: string;
}

/** Least seconds an analysis takes: its slowest bounded metric (unbounded ones run until stopped: 0). */
export function analysisSeconds(ref: AnalysisRef): number {
  return Math.max(0, ...ref.metrics.map((m) => (m.count === null ? 0 : m.initialDelay + (m.count - 1) * m.interval)));
}

/** The analyses `doc` runs, in the order a rollout meets them (background first: it starts with the steps). */
export function analysisGates(doc: StrategyDocument): AnalysisGate[] {
  return strategyAnalyses(doc).map(({ path, ref }) => {
    const step = /\.steps\[(\d+)\]/.exec(path);
    const where: AnalysisGate['where'] = step ? 'step' : path.endsWith('backgroundAnalysis') ? 'background' : path.endsWith('prePromotionAnalysis') ? 'prePromotion' : 'postPromotion';
    return {
      where,
      step: step ? Number(step[1]) : null,
      blocking: where !== 'background',
      metrics: ref.metrics.map((m) => m.name),
      templates: [...ref.templates],
      minSeconds: analysisSeconds(ref),
      path,
    };
  });
}
