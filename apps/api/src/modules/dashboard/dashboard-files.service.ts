import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { type ApiConfig, CUTOVER_CONFIG } from '@cutover/config';

/** One file of the built dashboard, held in memory with its precompressed forms (written by the build). */
export interface DashboardFile {
  body: Buffer;
  gzip?: Buffer;
  brotli?: Buffer;
  type: string;
  /** Content-hashed name (assets/): cached for a year, never revalidated. */
  immutable: boolean;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** How often a missing build is looked for again (the api may start before the first build finishes). */
const RECHECK_MS = 2_000;

/**
 * The built dashboard (apps/dashboard → CUTOVER_DASHBOARD_DIR), read into memory once: a few hundred kilobytes,
 * served without a disk read per request. Only files found by walking the directory can be served, so no request
 * path can reach outside it.
 */
@Injectable()
export class DashboardFiles {
  private files: Map<string, DashboardFile> | null = null;
  private checkedAt = 0;
  private readonly dir: string;

  constructor(@Inject(CUTOVER_CONFIG) config: ApiConfig) {
    this.dir = path.resolve(config.dashboardDir);
  }

  /** The file at `relative` (e.g. `assets/index-abc.js`), or undefined; null when the dashboard is not built. */
  get(relative: string, now = Date.now()): DashboardFile | undefined | null {
    const files = this.load(now);
    return files ? files.get(relative) : null;
  }

  private load(now: number): Map<string, DashboardFile> | null {
    if (this.files) return this.files;
    if (now - this.checkedAt < RECHECK_MS) return null;
    this.checkedAt = now;
    if (!existsSync(path.join(this.dir, 'index.html'))) return null;
    const files = new Map<string, DashboardFile>();
    for (const full of walk(this.dir)) {
      if (full.endsWith('.gz') || full.endsWith('.br')) continue;
      const relative = path.relative(this.dir, full).split(path.sep).join('/');
      const body = readFileSync(full);
      const sibling = (ext: string) => (existsSync(full + ext) ? readFileSync(full + ext) : undefined);
      files.set(relative, {
        body,
        gzip: sibling('.gz'),
        brotli: sibling('.br'),
        type: TYPES[path.extname(full)] ?? 'application/octet-stream',
        immutable: relative.startsWith('assets/'),
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      });
    }
    this.files = files;
    return files;
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}
