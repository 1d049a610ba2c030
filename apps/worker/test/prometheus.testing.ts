// A real Prometheus for tests (Debian's `prometheus`; .ci/run installs it where missing): started on 127.0.0.1 with a
// free port, a temporary storage dir and a 1 s scrape interval, scraping a metrics endpoint the test serves and
// changes. stop() ends its process group and removes the directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** Gauges the endpoint serves: name{labels} → value; a missing key is a series that stopped (no data). */
export type Gauges = Map<string, number>;

export interface TestPrometheus {
  url: string;
  /** The endpoint Prometheus scrapes; also answers garbage at /garbage/api/v1/query. */
  metricsUrl: string;
  gauges: Gauges;
  /** Resolves once Prometheus has scraped at least `n` more times. */
  scrapes(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export async function startPrometheus(): Promise<TestPrometheus> {
  const gauges: Gauges = new Map();
  let scraped = 0;
  const waiters: Array<{ at: number; resolve: () => void }> = [];
  const metrics = createServer((req, res) => {
    if (req.url?.startsWith('/garbage')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>not a Prometheus</html>');
      return;
    }
    scraped += 1;
    for (const w of waiters.splice(0)) if (scraped >= w.at) w.resolve();
    else waiters.push(w);
    const lines: string[] = [];
    for (const [series, value] of gauges) {
      const name = series.split('{')[0]!;
      lines.push(`# TYPE ${name} gauge`, `${series} ${value}`);
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`${lines.join('\n')}\n`);
  });
  const metricsPort = await listen(metrics);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-prom-'));
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: canary',
      '    scrape_interval: 1s',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${metricsPort}']`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'],
    { detached: true, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    await new Promise((resolve) => metrics.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus did not become ready on ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    gauges,
    scrapes: (n, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`prometheus did not scrape ${n} times within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ at: scraped + n, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    stop,
  };
}
