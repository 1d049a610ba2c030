// The dashboard's build (scripts/build-dashboard.mjs runs it): static files under /ui/, served by the api.
import path from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  build: {
    outDir: process.env.DASHBOARD_OUT_DIR ?? path.resolve(import.meta.dirname, '../../dist/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline polyfill script: the api's Content-Security-Policy allows scripts from the origin only.
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { port: 4300, proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
