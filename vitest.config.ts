import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const lib = (name: string) => path.resolve(__dirname, `libs/${name}/src`);

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    alias: {
      '@cutover/domain': lib('domain'),
      '@cutover/persistence': lib('persistence'),
      '@cutover/k8s': lib('k8s'),
      '@cutover/queue': lib('queue'),
      '@cutover/config': lib('config'),
      '@cutover/testing': lib('testing'),
      '@cutover/kube-sim': lib('kube-sim'),
      // One copy of graphql: Vite would pick its ESM build for our sources while @nestjs/graphql (loaded by Node)
      // gets the CommonJS one, and Nest's `instanceof GraphQLScalarType` then misses our scalars.
      graphql: path.resolve(__dirname, 'node_modules/graphql/index.js'),
    },
  },
  test: {
    include: ['apps/**/*.spec.ts', 'apps/**/*.e2e-spec.ts', 'libs/**/*.spec.ts', 'test/**/*.spec.ts'],
    globalSetup: ['libs/testing/src/global-setup.ts'],
    setupFiles: ['libs/testing/src/file-setup.mjs'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
