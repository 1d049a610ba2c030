// The Kubernetes API simulator: embeddable in tests (startKubeSim, once the server lands) and run by apps/kube-sim.
export * from './store/store.types';
export * from './store/api-error';
export { MemoryStore, kubeTime, randomSuffix } from './store/memory-store';
export type { MemoryStoreOptions, ListPage, ListPageOptions } from './store/memory-store';
export { RESOURCES, RESOURCE_KEYS, findResource, resourceDef, groupResource, groupKind, apiVersionOf } from './store/resources';
export type { ResourceDef } from './store/resources';
export * from './store/selectors';
export { deepClone, deepEqual } from './store/json-utils';
