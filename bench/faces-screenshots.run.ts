// `npm run docs:screenshots`: docs/screenshots/overview.png and deployment-canary.png (1280×800), and
// deployment-phone.png (390×844), taken from the real stack with seeded environments and a canary paused mid-way.
import path from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { launchBrowser } from '../apps/dashboard/test/browser.testing';
import { type FacesStack, buildDashboard, call, seedCanaryApp, seedEnvironments, startFacesStack, until } from '../apps/dashboard/test/faces-stack';

const out = path.resolve(__dirname, '../docs/screenshots');
let faces: FacesStack;

beforeAll(async () => {
  faces = await startFacesStack('screenshots', { dashboardDir: await buildDashboard() });
}, 300_000);
afterAll(async () => faces?.close());

it('takes the screenshots', async () => {
  await seedEnvironments(faces, 4, 4, 'payments');
  await seedCanaryApp(faces, 'checkout');
  const canary = { type: 'Canary', trafficRouting: { type: 'replicas' }, steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }] };
  const d = await call<{ id: string }>(faces, faces.admin, 'POST', '/v1/deployments', { app: 'checkout', environment: 'prod', release: '1.1.0', strategy: canary, reason: 'new checkout flow' });
  await until('the canary to pause', async () => ((await call<{ phase: string }>(faces, faces.admin, 'GET', `/v1/deployments/${d.id}`)).phase === 'Paused' ? true : undefined));
  const deployer = await faces.api.token('deployer');

  for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
    const browser = await launchBrowser(viewport);
    try {
      const page = await browser.context.newPage();
      await page.goto(`${faces.api.url}/ui/`);
      await page.getByLabel('API token').fill(deployer);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-live="live"]').waitFor({ timeout: 60_000 });
      if (name === 'desktop') await page.screenshot({ path: path.join(out, 'overview.png') });
      await page.goto(`${faces.api.url}/ui/deployments/${d.id}`);
      await page.locator('[data-live="live"]').waitFor({ timeout: 60_000 });
      await page.getByTestId('phase').filter({ hasText: 'Paused' }).waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(out, name === 'desktop' ? 'deployment-canary.png' : 'deployment-phone.png'), fullPage: name === 'phone' });
    } finally {
      await browser.close();
    }
  }
});
