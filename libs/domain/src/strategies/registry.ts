// One machine per strategy type; the switch keeps the list exhaustive (switch-exhaustiveness-check).
import type { StrategyType } from '../model/strategy-document/strategy-document.types';
import { blueGreenMachine } from './blue-green/blue-green.machine';
import { canaryMachine } from './canary/canary.machine';
import { recreateMachine } from './recreate/recreate.machine';
import { rollingUpdateMachine } from './rolling-update/rolling-update.machine';
import type { StrategyMachine } from './shared/machine.types';

export function machineFor(type: StrategyType): StrategyMachine {
  switch (type) {
    case 'Recreate':
      return recreateMachine;
    case 'RollingUpdate':
      return rollingUpdateMachine;
    case 'BlueGreen':
      return blueGreenMachine;
    case 'Canary':
      return canaryMachine;
  }
}
