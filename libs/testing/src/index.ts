// Public surface of @cutover/testing: test database per run, clients on it, factories, stack starters.
export * from './test-database';
export * from './test-prisma';
export * from './prisma-schema';
export * from './sse-client';
export * from './slack-block-kit';
