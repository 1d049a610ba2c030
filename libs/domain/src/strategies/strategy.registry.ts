// Every strategy, by its document type: the one place the engine (decide, command rules, plan, status) finds them.
// The mapped type keeps the list exhaustive: a StrategyType without a machine does not compile.
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

export function machineFor(type: StrategyType): StrategyMachine {
  return machines[type];
}
