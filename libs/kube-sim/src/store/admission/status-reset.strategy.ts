// Placeholder strategies: status resets on create and name rules, until the full per-resource strategies land.
import type { KubeObject } from '../store.types';
import type { ResourceStrategy } from './admission.types';
import type { NameRule } from './generic.strategy';
import { validateObjectMeta } from './generic.strategy';

function withStatus(rule: NameRule, status: ((o: KubeObject) => unknown) | undefined): ResourceStrategy {
  return {
    prepareForCreate: (obj) => {
      const s = status?.(obj);
      if (s === undefined) delete obj.status;
      else obj.status = s;
    },
    validate: (obj) => validateObjectMeta(obj, rule),
  };
}

export const STATUS_STRATEGIES: [string, ResourceStrategy][] = [
  ['pods', withStatus('subdomain', () => ({ phase: 'Pending', qosClass: 'BestEffort' }))],
  ['namespaces', withStatus('label', () => ({ phase: 'Active' }))],
  ['services', withStatus('dns1035', () => ({ loadBalancer: {} }))],
  ['apps/deployments', withStatus('subdomain', () => ({}))],
  ['apps/replicasets', withStatus('subdomain', () => ({ replicas: 0 }))],
  ['batch/jobs', withStatus('subdomain', () => ({}))],
];
