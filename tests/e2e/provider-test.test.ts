import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { ensurePanelBuilt, launchBrowser } from './browser.ts';

/** The System page's provider card in a real browser, against the guarded fixture with the embedded solver on. */
describe('System page: Test provider', () => {
  let site: FixtureSite;
  let app: TestApp;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;

  beforeAll(async () => {
    await ensurePanelBuilt();
    site = await startFixtureSite({ seriesCount: 1, guard: { mode: 'js' } });
    app = await startTestApp({ env: { ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_SOLVER: 'auto' } });
    await app.login();
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
    await site?.close();
  });

  it('runs one search through the check and shows each step, then the provider health', async () => {
    await page.goto(`${app.url}/login`);
    await page.locator('#password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/library');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System' }).click();
    await page.getByRole('heading', { name: 'Provider' }).waitFor();

    await page.getByRole('button', { name: 'Test provider' }).click();
    const steps = page.getByRole('list', { name: 'Test steps' });
    await steps.waitFor({ timeout: 90_000 });
    const text = await steps.innerText();
    expect(text).toMatch(/Name\s+ok\s+127\.0\.0\.1 is an address/);
    expect(text).toMatch(/Plain request\s+warn\s+.*anti-bot challenge \(HTTP 403\).*embedded browser solves it/);
    expect(text).toMatch(/Search\s+ok\s+\d+ results? for "naruto"/);
    await page.getByText('The provider works.').waitFor();
    expect(site.guard.stats.passes).toBe(1);
    // The health table shows the provider with its solver and pass.
    await page.locator('tr', { hasText: 'provider' }).getByText('embedded', { exact: true }).first().waitFor();
  }, 120_000);

  it('needs a login on the API', async () => {
    expect((await app.request('POST', '/api/system/provider-test', { body: {} })).status).toBe(401);
    const token = await app.login();
    const bad = await app.request('POST', '/api/system/provider-test', { token, body: { query: '' } });
    expect(bad.status).toBe(422);
  });
});
