// `npm run bench:faces`: the faces' figures, appended to BENCHMARKS.md with the date and load average.
// - dashboard first load: bytes of index.html and what it loads at once (gzip and brotli, as served);
// - time to interactive of the overview with 500 environments (navigation to all rows on screen), and the time a
//   filter keystroke takes to narrow them;
// - event-to-screen delay: from an event's commit (its `at`) to the deployment page showing it (median, max);
// - `cutover status APP ENV` wall time from a cold process (median and p90 of 10), next to `node -e 0`.
import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../apps/dashboard/test/browser.testing';
import { type FacesStack, buildDashboard, call, seedCanaryApp, seedEnvironments, startFacesStack, until } from '../apps/dashboard/test/faces-stack';

const root = path.resolve(__dirname, '..');
let faces: FacesStack;
let dashboardDir: string;

beforeAll(async () => {
  dashboardDir = await buildDashboard();
  faces = await startFacesStack('bench-faces', { dashboardDir });
}, 300_000);
afterAll(async () => faces?.close());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function firstLoad(): { gzip: number; brotli: number; raw: number; files: number } {
  const html = readFileSync(path.join(dashboardDir, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/ui\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const size = (f: string, ext = '') => {
    try {
      return readFileSync(path.join(dashboardDir, f + ext)).length;
    } catch {
      return readFileSync(path.join(dashboardDir, f)).length;
    }
  };
  const files = ['index.html', ...refs];
  return { files: files.length, raw: files.reduce((s, f) => s + size(f), 0), gzip: files.reduce((s, f) => s + size(f, '.gz'), 0), brotli: files.reduce((s, f) => s + size(f, '.br'), 0) };
}

it('measures the dashboard and the CLI', async () => {
  const load = firstLoad();
  await seedEnvironments(faces, 50, 10);
  await seedCanaryApp(faces, 'bench');
  const deployer = await faces.api.token('deployer');
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.goto(`${faces.api.url}/ui/`);
  await page.getByLabel('API token').fill(deployer);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('tbody tr').nth(500).waitFor({ timeout: 120_000 });

  // Time to interactive, 5 fresh loads: navigation start → 501 rows rendered (500 seeded + the canary app).
  const tti: number[] = [];
  const filterMs: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    await page.goto(`${faces.api.url}/ui/`);
    await page.locator('tbody tr').nth(500).waitFor({ timeout: 120_000 });
    tti.push(await page.evaluate<number>('performance.now()'));
    const started = Date.now();
    await page.getByLabel('Filter').fill('svc-042');
    await until('the filter to apply', async () => ((await page.locator('tbody tr').count()) === 10 ? true : undefined), 30_000, 5);
    filterMs.push(Date.now() - started);
  }

  // Event to screen: a canary with four pauses, promoted step by step while the page watches the phase cell.
  const steps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 40 }, { pause: {} }, { setWeight: 60 }, { pause: {} }, { setWeight: 80 }, { pause: {} }, { setWeight: 100 }];
  const d = await call<{ id: string }>(faces, deployer, 'POST', '/v1/deployments', { app: 'bench', environment: 'prod', release: '1.1.0', strategy: { type: 'Canary', trafficRouting: { type: 'replicas' }, steps } });
  await page.goto(`${faces.api.url}/ui/deployments/${d.id}`);
  await page.locator('[data-live="live"]').waitFor({ timeout: 60_000 });
  await page.evaluate(`(() => {
    window.__changes = [];
    const target = document.querySelector('[data-testid="phase"]');
    new MutationObserver(() => window.__changes.push({ at: Date.now(), text: target.textContent })).observe(target, { subtree: true, childList: true, characterData: true });
  })()`);
  const detail = () => call<{ phase: string; currentStep: number | null; events: Array<{ type: string; createdAt: string; data: { to?: string } }> }>(faces, deployer, 'GET', `/v1/deployments/${d.id}`);
  let lastStep = -1;
  for (let i = 0; i < 4; i += 1) {
    // The next pause: a later step than the one promoted (the command is applied by the worker's next tick).
    const paused = await until(`pause ${i + 1}`, async () => {
      const x = await detail();
      return x.phase === 'Paused' && (x.currentStep ?? -1) > lastStep ? x : undefined;
    }, 120_000, 50);
    lastStep = paused.currentStep ?? lastStep;
    await call(faces, deployer, 'POST', `/v1/deployments/${d.id}/promote`, { reason: 'bench' });
  }
  const done = await until('success', async () => {
    const x = await detail();
    return x.phase === 'Succeeded' ? x : undefined;
  }, 120_000, 100);
  await page.getByTestId('phase').filter({ hasText: 'Succeeded' }).waitFor({ timeout: 60_000 });
  const changes = await page.evaluate<Array<{ at: number; text: string }>>('window.__changes');
  const delays: number[] = [];
  for (const e of done.events.filter((x) => x.type === 'PhaseChanged')) {
    const at = new Date(e.createdAt).getTime();
    const to = e.data.to;
    const shown = changes.find((c) => c.at >= at - 5 && (to ? c.text.includes(to) : true));
    if (shown) delays.push(shown.at - at);
  }
  await browser.close();
  expect(delays.length).toBeGreaterThan(0);

  // CLI cold start: `cutover status` against the stack (10 runs), and plain `node -e 0` for scale.
  const env = { ...process.env, CUTOVER_SERVER: faces.api.url, CUTOVER_TOKEN: deployer };
  // Asynchronously: the api answering the CLI runs in this very process.
  const time = async (args: string[]) => {
    const t = process.hrtime.bigint();
    await promisify(execFile)(process.execPath, args, { env, encoding: 'utf8' });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const cli: number[] = [];
  const bare: number[] = [];
  const version: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    bare.push(await time(['-e', '0']));
    version.push(await time([path.join(root, 'apps/cli/bin/cutover.mjs'), '--version']));
    cli.push(await time([path.join(root, 'apps/cli/bin/cutover.mjs'), 'status', 'bench', 'prod']));
  }

  const [l1, l5, l15] = os.loadavg().map((x) => x.toFixed(2));
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const ms = (x: number) => `${Math.round(x)} ms`;
  const lines = [
    '',
    `## Faces: dashboard and CLI (\`npm run bench:faces\`) — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${l1} / ${l5} / ${l15} (${os.cpus().length} cores)`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| dashboard first load (index.html + ${load.files - 1} files it loads at once) | ${kb(load.gzip)} gzip · ${kb(load.brotli)} brotli · ${kb(load.raw)} uncompressed |`,
    `| overview with 501 environments: navigation → all rows on screen (5 loads, headless chromium) | median ${ms(median(tti))}, max ${ms(Math.max(...tti))} |`,
    `| overview filter keystroke → 10 of 501 rows | median ${ms(median(filterMs))}, max ${ms(Math.max(...filterMs))} |`,
    `| event to screen: commit of a PhaseChanged event → the deployment page shows it (${delays.length} events) | median ${ms(median(delays))}, max ${ms(Math.max(...delays))} |`,
    `| \`cutover status APP ENV\`, cold process, wall time (10 runs) | median ${ms(median(cli))}, p90 ${ms(pct(cli, 0.9))} (\`cutover --version\`, no network: median ${ms(median(version))}; \`node -e 0\` alone: median ${ms(median(bare))}) |`,
    '',
  ];
  appendFileSync(path.join(root, 'BENCHMARKS.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}, 600_000);
