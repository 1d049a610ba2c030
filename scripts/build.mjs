// `npm run build`: compiles apps/* and libs/* (no specs, no test helpers: `test/` and `__tests__/` folders,
// `*.testing.ts`) into dist/ with SWC, keeping the tree so that
// `node dist/apps/api/src/main.js` runs; the @cutover/* aliases become relative requires.
// (Nest's SWC builder compiles only an app's own sourceRoot, not the libs it imports.)
import { readdirSync, mkdirSync, writeFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const skip = /(\.spec\.ts|\.e2e-spec\.ts|\.testing\.ts|\.d\.ts)$/;

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    if (entry === '__tests__' || entry === 'test' || entry === 'node_modules') continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (full.endsWith('.ts') && !skip.test(full)) yield full;
  }
}

const paths = Object.fromEntries(
  ['domain', 'persistence', 'k8s', 'queue', 'config', 'testing', 'kube-sim'].map((n) => [`@cutover/${n}`, [`libs/${n}/src`]]),
);

rmSync(out, { recursive: true, force: true });
const started = Date.now();
let count = 0;
const sources = ['apps', 'libs'].flatMap((d) => [...walk(path.join(root, d))]);
await Promise.all(
  sources.map(async (file) => {
    const { code, map } = await swc.transformFile(file, {
      sourceMaps: true,
      module: { type: 'commonjs' },
      jsc: {
        target: 'es2022',
        baseUrl: root,
        paths,
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        keepClassNames: true,
      },
    });
    const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
    count += 1;
  }),
);
console.log(`compiled ${count} files into dist/ in ${Date.now() - started} ms`);
