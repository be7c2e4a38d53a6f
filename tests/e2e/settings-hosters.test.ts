import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { ensurePanelBuilt, launchBrowser, signIn } from './browser.ts';

/**
 * A hoster name the site started using (and the known ones without a resolver) stays in the
 * user's order on the settings page, marked "not supported yet"; saving keeps it.
 */
describe('settings page: hoster order with names we cannot resolve yet', () => {
  let app: TestApp;
  let browser: { context: BrowserContext; close: () => Promise<void> };

  beforeAll(async () => {
    await ensurePanelBuilt();
    app = await startTestApp();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('shows every name of the stored order, in that order, with "not supported yet" beside the unresolved ones', async () => {
    const token = await app.login();
    const saved = await app.request('PUT', '/api/config', { token, body: { downloads: { hosters: ['NewTube', 'VOE', 'Streamtape', 'Vidoza'] } } });
    expect(saved.status).toBe(200);

    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // A remembered session, as the login page stores it.
    await signIn(page, token);
    await page.goto(`${app.url}/settings`);
    const list = page.locator('#f-downloads-hosters');
    await list.locator('li').first().waitFor();

    const rows = await list.locator('li').evaluateAll((items) =>
      items.map((item) => ({
        name: item.querySelector('label')?.textContent?.trim() ?? '',
        on: (item.querySelector('input') as HTMLInputElement | null)?.checked ?? false,
        note: item.querySelector('.note')?.textContent?.trim() ?? null,
      })),
    );
    expect(rows.slice(0, 4)).toEqual([
      { name: 'NewTube', on: true, note: 'not supported yet' },
      { name: 'VOE', on: true, note: null },
      { name: 'Streamtape', on: true, note: 'not supported yet' },
      { name: 'Vidoza', on: true, note: null },
    ]);
    // The rest, off: only hosters that resolve are offered to add (a stored one without a resolver stays, marked).
    expect(rows.slice(4).map((row) => [row.name, row.on, row.note])).toEqual([
      ['Vidmoly', false, null],
      ['Doodstream', false, null],
      ['Filemoon', false, null],
    ]);
    expect(errors).toEqual([]);
    expect((await app.request('GET', '/api/config', { token })).body.downloads.hosters).toEqual(['NewTube', 'VOE', 'Streamtape', 'Vidoza']);
    await page.close();
  }, 60_000);
});
