// Every strategy, by its document type: the one place the engine (decide, command rules, plan, status) finds them.
// The mapped type keeps the list exhaustive: a StrategyType without a machine does not compile. Adding a strategy:
// docs/adr/0012-how-to-add-a-strategy.md.
import type { StrategyType } from '../model/strategy-document/strategy-document.types';
import { blueGreenMachine } from './blue-green/blue-green.machine';
import { canaryMachine } from './canary/canary.machine';
import { recreateMachine } from './recreate/recreate.machine';
import { rollingUpdateMachine } from './rolling-update/rolling-update.machine';
import type { StrategyMachine } from './shared/machine.types';

const machines: { readonly [T in StrategyType]: StrategyMachine } = {
  Recreate: recreateMachine,
  RollingUpdate: rollingUpdateMachine,
  BlueGreen: blueGreenMachine,
  Canary: canaryMachine,
};

/** How the engine finds a strategy's machine. Every engine function takes one, the product's by default. */
export interface StrategyRegistry {
  machineFor(type: StrategyType): StrategyMachine;
}

/**
 * The product's strategies plus `extra` (by document type): the seam a spec uses to run a strategy that is not
 * shipped (libs/domain/test/toy-strategy.spec.ts). The product only ever uses `strategies`.
 */
export function createRegistry(extra: Readonly<Record<string, StrategyMachine>> = {}): StrategyRegistry {
  const all: Readonly<Record<string, StrategyMachine | undefined>> = { ...machines, ...extra };
  return {
    machineFor(type) {
      const machine = all[type];
      if (!machine) throw new Error(`no strategy machine for ${String(type)}`);
      return machine;
    },
  };
}

/** The shipped strategies. */
export const strategies: StrategyRegistry = { machineFor: (type) => machines[type] };
