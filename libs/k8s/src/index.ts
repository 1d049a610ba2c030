// Public surface of @cutover/k8s: Kubernetes access for the api (credential checks) and the worker.
export * from './credentials/cluster-credentials';
export * from './credentials/cluster-check';
export * from './credentials/cluster-capacity';
export * from './credentials/cluster-errors';
export * from './manifests/manifest.types';
export * from './manifests/manifests';
export * from './observe/observation.mapper';
export * from './gateway/rate-limiter';
export * from './gateway/kube-client';
export * from './gateway/kube.gateway';
export * from './watch/owned-objects.watch';
export * from './watch/cached-object.mapper';
