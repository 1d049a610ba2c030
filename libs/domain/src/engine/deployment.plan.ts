// The whole step plan of a deployment, whatever its strategy: the strategy lists its steps, the engine numbers them
// and adds up the peak and the extra capacity.
import type { DeploymentPlan } from '../model/deployment/plan.types';
import type { StrategyDocument } from '../model/strategy-document/strategy-document.types';
import { strategies, type StrategyRegistry } from '../strategies/strategy.registry';

export function plan(doc: StrategyDocument, replicas: number, machines: StrategyRegistry = strategies): DeploymentPlan {
  const N = replicas;
  const own = machines.machineFor(doc.type).plan(doc, N);
  const steps = own.steps.map((s, index) => ({ index, ...s }));
  const peakPods = Math.max(N, ...steps.map((s) => s.peakPods));
  return { strategy: doc.type, replicas: N, steps, peakPods, extraPods: peakPods - N, minimumDurationSeconds: own.minimumDurationSeconds };
}
