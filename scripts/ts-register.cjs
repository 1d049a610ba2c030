// A small require hook: runs the TypeScript sources directly (benchmarks, `npm run dev`), compiled by SWC with
// decorator metadata (NestJS DI needs it) and with the @cutover/* path aliases of tsconfig.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const aliases = {
  '@cutover/domain': 'libs/domain/src',
  '@cutover/persistence': 'libs/persistence/src',
  '@cutover/k8s': 'libs/k8s/src',
  '@cutover/queue': 'libs/queue/src',
  '@cutover/config': 'libs/config/src',
  '@cutover/testing': 'libs/testing/src',
  '@cutover/kube-sim': 'libs/kube-sim/src',
};

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  for (const [alias, target] of Object.entries(aliases)) {
    if (request === alias || request.startsWith(alias + '/')) {
      request = path.join(root, target, request.slice(alias.length));
      break;
    }
  }
  return originalResolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  });
  module._compile(code, filename);
};
