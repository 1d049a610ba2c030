// The Kubernetes API simulator: embeddable in tests (startKubeSim) and run by apps/kube-sim.
export { startKubeSim } from './kube-sim';
export type { KubeSim, KubeSimFaults, KubeSimOptions } from './kube-sim';
export type { RequestTally } from './server/api-server';
export { renderKubeconfig } from './kubeconfig';
export type { FailureRule, FaultSpec, FaultState } from './server/faults';
export { ApiServer } from './server/api-server';
export * from './store/store.types';
export * from './store/api-error';
export { MemoryStore, kubeTime, randomSuffix } from './store/memory-store';
export type { MemoryStoreOptions, ListPage, ListPageOptions } from './store/memory-store';
export { RESOURCES, RESOURCE_KEYS, findResource, resourceDef, groupResource, groupKind, apiVersionOf } from './store/resources';
export type { ResourceDef } from './store/resources';
export * from './store/selectors';
export { deepClone, deepEqual } from './store/json-utils';
export { startControllers } from './controllers';
export type { ControllerManager, ControllerOptions } from './controllers';
export { Annotations as SimAnnotations, Timing as SimTiming, parseDuration as parseSimDuration } from './kubelet/behaviour';
