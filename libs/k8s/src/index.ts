// Public surface of @cutover/k8s: Kubernetes access for the api (credential checks) and the worker.
export * from './credentials/cluster-credentials';
export * from './credentials/cluster-check';
