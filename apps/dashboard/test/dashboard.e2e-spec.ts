// The dashboard in a real browser against the real stack (api + worker + simulator): sign in, start a canary from
// the UI, watch it reach its pause live, promote with a reason, see it succeed, roll back from the history, find
// the reason in the audit log. Debian's chromium through playwright-core.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser } from './browser.testing';
import { type FacesStack, buildDashboard, seedCanaryApp, startFacesStack } from './faces-stack';

const WAIT = { timeout: 60_000 };

describe('dashboard (browser, real stack)', () => {
  let faces: FacesStack;
  let browser: Browser;
  let page: Page;
  let deployer: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const [dir, b] = await Promise.all([buildDashboard(), launchBrowser()]);
    browser = b;
    faces = await startFacesStack('dashboard-ui', { dashboardDir: dir });
    await seedCanaryApp(faces, 'shop');
    deployer = await faces.api.token('deployer');
    page = await browser.context.newPage();
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await faces?.close();
  });

  it('signs in, deploys a canary, follows it live, promotes, rolls back from history, and shows the audit entry', async () => {
    await page.goto(`${faces.api.url}/ui/`);
    await page.getByLabel('API token').fill(deployer);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Overview: the seeded environment, serving 1.0.0, live.
    const row = page.getByTestId('env-shop-prod');
    await expect.poll(() => row.textContent(), WAIT).toContain('1.0.0');
    await page.locator('[data-live="live"]').waitFor(WAIT);
    // The token is not kept by the page: only the httpOnly cookie, invisible to scripts.
    expect(await page.evaluate<string>('document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage)')).not.toContain('cut_');

    // New deployment from the UI, with its plan shown first.
    await page.getByRole('link', { name: 'New deployment' }).click();
    await page.getByLabel('App', { exact: true }).selectOption('shop');
    await page.getByLabel('Environment', { exact: true }).selectOption('prod');
    await page.getByLabel('Release', { exact: true }).selectOption('1.1.0');
    await page.getByLabel('Reason', { exact: true }).fill('ship 1.1.0');
    await page.getByRole('button', { name: 'Show the plan' }).click();
    await page.getByRole('heading', { name: /^Plan: Canary/ }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Deploy 1.1.0' }).click();

    // The deployment reaches its pause, live (no reload), with the current step marked.
    await page.getByRole('heading', { name: /shop in prod: 1\.1\.0/ }).waitFor(WAIT);
    await expect.poll(() => page.getByTestId('phase').textContent(), WAIT).toContain('Paused');
    expect(await page.locator('[aria-current="step"]').textContent()).toContain('Pause');

    // Promote with a reason.
    await page.getByRole('button', { name: 'Promote', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Reason/).fill('canary looks good');
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => page.getByTestId('phase').textContent(), WAIT).toContain('Succeeded');

    // History: one-click rollback to 1.0.0, confirmed by name.
    await page.getByRole('link', { name: 'History of prod' }).click();
    await page.getByRole('button', { name: 'Roll back to 1.0.0' }).click();
    await dialog.getByRole('heading', { name: 'Roll back to 1.0.0' }).waitFor(WAIT);
    await dialog.getByLabel(/Reason/).fill('rollback drill');
    const submit = dialog.getByRole('button', { name: 'Roll back to 1.0.0' });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByRole('checkbox').check();
    await submit.click();
    await page.getByRole('heading', { name: /shop in prod: rollback to 1\.0\.0/ }).waitFor(WAIT);
    await expect.poll(() => page.getByTestId('phase').textContent(), WAIT).toMatch(/Progressing|Paused|Succeeded/);

    // Audit: the promote with its reason, and the chain verifies.
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('App', { exact: true }).fill('shop');
    await page.getByRole('button', { name: 'Filter' }).click();
    const promoted = page.getByRole('row').filter({ hasText: 'deployment.promote' });
    await expect.poll(() => promoted.first().textContent(), WAIT).toContain('canary looks good');
    await expect.poll(async () => (await page.getByRole('row').filter({ hasText: 'deployment.rollback' }).first().textContent()) ?? '', WAIT).toContain('rollback drill');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await expect.poll(() => page.getByTestId('verdict').textContent(), WAIT).toMatch(/intact|broken/);

    // Sign out ends the session: the page asks for a token again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor(WAIT);
    expect(consoleErrors.filter((e) => !/Failed to load resource|EventSource/.test(e))).toEqual([]);
  }, 240_000);
});
