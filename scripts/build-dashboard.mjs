// `npm run build:dashboard`: builds apps/dashboard (Vite) into dist/dashboard (or DASHBOARD_OUT_DIR / --out DIR)
// and writes .gz and .br beside every compressible file, which the api serves to clients that accept them.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = path.resolve(outArg > 0 ? process.argv[outArg + 1] : (process.env.DASHBOARD_OUT_DIR ?? path.join(root, 'dist/dashboard')));
process.env.DASHBOARD_OUT_DIR = outDir;
// Always the production build (React's development build is several times larger and slower), even when called
// from tests, where NODE_ENV is `test`.
process.env.NODE_ENV = 'production';

const started = Date.now();
const { build } = await import('vite');
await build({ configFile: path.join(root, 'apps/dashboard/vite.config.mts'), logLevel: process.argv.includes('--quiet') ? 'warn' : 'info' });

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}
let raw = 0;
let gz = 0;
for (const file of walk(outDir)) {
  if (!/\.(js|css|html|svg|json|txt|webmanifest)$/.test(file)) continue;
  const body = readFileSync(file);
  if (body.length < 512) continue;
  const gzip = gzipSync(body, { level: 9 });
  writeFileSync(`${file}.gz`, gzip);
  writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  raw += body.length;
  gz += gzip.length;
}
console.log(`dashboard built into ${path.relative(process.cwd(), outDir) || '.'} in ${Date.now() - started} ms (${(raw / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip)`);
