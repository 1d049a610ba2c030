// Public surface of @cutover/domain (pure: no framework, database, Kubernetes client, clock or randomness).
export * from './errors/domain.errors';
export * from './context/request-context.types';
