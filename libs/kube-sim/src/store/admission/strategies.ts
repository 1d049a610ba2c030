// Which strategy each resource uses. Resources without special rules get metadata validation only.
import type { ResourceDef } from '../resources';
import { resourceId } from '../resources';
import type { ResourceStrategy } from './admission.types';
import {
  httpRouteStrategy, ingressStrategy, namespaceStrategy, podStrategy, secretStrategy, serviceStrategy,
} from './core.strategy';
import { genericStrategy } from './generic.strategy';
import { deploymentStrategy, jobStrategy, replicaSetStrategy } from './workload.strategy';

const table = new Map<string, ResourceStrategy>([
  ['pods', podStrategy],
  ['services', serviceStrategy],
  ['namespaces', namespaceStrategy],
  ['secrets', secretStrategy],
  // Nodes are registered by the kubelet with their status, which the apiserver keeps.
  ['nodes', genericStrategy],
  ['apps/deployments', deploymentStrategy],
  ['apps/replicasets', replicaSetStrategy],
  ['batch/jobs', jobStrategy],
  ['networking.k8s.io/ingresses', ingressStrategy],
  ['gateway.networking.k8s.io/httproutes', httpRouteStrategy],
]);

export function strategyFor(def: ResourceDef): ResourceStrategy {
  return table.get(resourceId(def)) ?? genericStrategy;
}
