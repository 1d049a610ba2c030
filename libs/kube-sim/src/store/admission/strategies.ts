// Which strategy each resource uses. Resources without special rules get metadata validation only.
import type { ResourceDef } from '../resources';
import { resourceId } from '../resources';
import type { ResourceStrategy } from './admission.types';
import { genericStrategy } from './generic.strategy';
import { STATUS_STRATEGIES } from './status-reset.strategy';

const table = new Map<string, ResourceStrategy>([...STATUS_STRATEGIES]);

export function strategyFor(def: ResourceDef): ResourceStrategy {
  return table.get(resourceId(def)) ?? genericStrategy;
}
