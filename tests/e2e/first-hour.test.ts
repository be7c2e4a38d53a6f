import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { writeQueueConfig } from '../integration/queue-helpers.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { ensurePanelBuilt, launchBrowser, signIn } from './browser.ts';
import { seriousAxeFindings } from './axe.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/**
 * What a new user trips over in the first hour, in a real Chromium: in English and in German
 * (the browser's language decides), on a desktop and a 390 px phone, with axe-core on every screen.
 */
describe('the first hour in the panel', () => {
  let site: FixtureSite;
  let app: TestApp;
  let token: string;
  const browsers: { context: BrowserContext; close: () => Promise<void> }[] = [];

  beforeAll(async () => {
    await ensurePanelBuilt();
    site = await startFixtureSite({ port: 0, seriesCount: 3 });
    const temp = await makeTempDir();
    await writeQueueConfig(temp.path);
    app = await startTestApp({ root: temp.path, env: { ANIWORLD_PROVIDER_URL: site.url } });
    token = await app.login();
    expect((await app.request('POST', '/api/anime/add', { token, body: { key: 'demo-academy' } })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await app?.dispose();
    await site?.close();
  });

  /** A page in a browser of the given language, signed in the way "Remember me" stores the session. */
  async function openPage(locale: string, options: { width?: number; height?: number; signedIn?: boolean } = {}): Promise<Page> {
    const browser = await launchBrowser({ locale, width: options.width, height: options.height });
    browsers.push(browser);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    if (options.signedIn !== false) await signIn(page, token);
    onTestFailed(async () => {
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `first-hour-failed-${locale}-${Date.now()}.png`), fullPage: true }).catch(() => {});
    });
    return page;
  }

  const nav = (page: Page, name: string | RegExp) => page.getByRole('navigation').first().getByRole('link', { name });

  it('speaks German in a German browser: navigation, lang, dates and numbers', async () => {
    const page = await openPage('de-DE');
    await page.goto(`${app.url}/library`);
    await page.getByRole('heading', { name: 'Bibliothek' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    const labels = await page.getByRole('navigation', { name: 'Hauptmenü' }).getByRole('link').allTextContents();
    expect(labels.map((label) => label.trim()).filter(Boolean)).toEqual(
      expect.arrayContaining(['Bibliothek', 'Warteschlange', 'Benachrichtigungen', 'Einstellungen', 'System']),
    );
    await page.getByText(/1 von 1 Serien angezeigt · insgesamt \d+ Folgen fehlend/).waitFor();
    await nav(page, 'Einstellungen').click();
    await page.getByRole('heading', { name: 'Sprache des Panels' }).waitFor();
    // The switch in Settings wins over the browser and is kept in this browser.
    await page.locator('#panel-language').selectOption('en');
    await page.getByRole('heading', { name: 'Panel language' }).waitFor();
    expect(await page.evaluate(() => [document.documentElement.lang, localStorage.getItem('aniworld.locale')])).toEqual(['en', 'en']);
    await page.locator('#panel-language').selectOption('auto');
    await page.getByRole('heading', { name: 'Sprache des Panels' }).waitFor();
    await nav(page, 'System').click();
    await page.getByRole('heading', { name: 'Geplante Aufgaben' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 90_000);

  it('keeps a deep link through the login', async () => {
    const page = await openPage('en-US', { signedIn: false });
    await page.goto(`${app.url}/series/demo-academy`);
    await page.waitForURL('**/login?next=%2Fseries%2Fdemo-academy');
    await page.locator('#password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/series/demo-academy');
    await page.getByRole('heading', { name: 'Demo Academy' }).waitFor();
  }, 90_000);

  it('finds a series by its pasted link, with year and cover, and keeps focus when "Add…" opens the options', async () => {
    const page = await openPage('en-US');
    await page.goto(`${app.url}/library/add`);
    await page.locator('#term').fill(`${site.url}/anime/stream/demo-academy`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const card = page.getByRole('article', { name: 'Demo Academy' });
    await card.getByText('2019').waitFor();
    expect(await card.locator('aw-poster img').count()).toBe(1);
    await card.getByRole('link', { name: 'Already in the library' }).waitFor();

    await page.locator('#term').fill('Film');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const other = page.getByRole('article').first();
    await other.getByRole('button', { name: 'Add…' }).click();
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.id ?? '')).toMatch(/^monitor-/);
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 90_000);

  it('keeps library filters in the URL, so Back returns to the same view', async () => {
    const page = await openPage('en-US');
    await page.goto(`${app.url}/library`);
    await page.getByRole('searchbox').fill('Demo');
    await page.getByLabel('Missing only').check();
    await page.waitForURL(/\/library\?q=Demo&missing=1$/);
    // Back before the series page's code has arrived (as on a slow machine or line): the library
    // shows, and the late arrival does not replace it. The code is held until Back was taken.
    const held = Promise.withResolvers<void>();
    const asked = Promise.withResolvers<void>();
    await page.route(/\/assets\/aw-series-page-[^/]*\.js$/, async (route) => {
      asked.resolve();
      await held.promise;
      await route.continue();
    });
    await page.locator('aw-library-page a.tile', { hasText: 'Demo Academy' }).first().click();
    await page.waitForURL('**/series/demo-academy');
    await asked.promise;
    await page.goBack();
    await page.waitForURL(/\/library\?q=Demo&missing=1$/);
    await page.getByRole('searchbox').waitFor();
    held.resolve();
    await page.evaluate(async () => {
      await customElements.whenDefined('aw-series-page');
      // One task later the import has settled and the shell has rendered whatever it does with it.
      await new Promise((resolve) => setTimeout(resolve));
      await (document.querySelector('aw-app') as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    });
    expect(await page.locator('aw-library-page').count()).toBe(1);
    expect(await page.getByRole('searchbox').inputValue()).toBe('Demo');
    expect(await page.getByLabel('Missing only').isChecked()).toBe(true);
    await page.unroute(/\/assets\/aw-series-page-[^/]*\.js$/);
    // Rescan keeps the keyboard focus on its button while the scan runs.
    const rescan = page.getByRole('button', { name: /Rescan|Scanning/ });
    await rescan.focus();
    await rescan.press('Enter');
    await page
      .getByText(/library scan (started|is already running)/i)
      .first()
      .waitFor();
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.textContent?.trim())).toMatch(
      /Rescan|Scanning/,
    );
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 90_000);

  it('refuses an unknown naming token on save and asks before leaving unsaved settings', async () => {
    const page = await openPage('en-US');
    await page.goto(`${app.url}/library`);
    await nav(page, 'Settings').click();
    const template = page.locator('#f-naming-episode_template');
    await template.fill('{Series Title} - {Foo}');
    await page.getByText('Unknown token: {Foo}').first().waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Not saved: Unknown token: {Foo}').waitFor();
    expect((await app.request('GET', '/api/config', { token })).body.naming.episode_template).not.toContain('{Foo}');

    // Leaving with a link asks; Stay keeps the page and the change.
    await nav(page, 'Library').click();
    const dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(new URL(page.url()).pathname).toBe('/settings');
    expect(await template.inputValue()).toBe('{Series Title} - {Foo}');
    // Back asks too; Leave goes.
    await page.goBack();
    await dialog.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('heading', { name: 'Library' }).waitFor();
  }, 90_000);

  it('on a 390 px phone: Escape closes the menu, the page behind is inert, the history table fits, the toast sits over the top bar', async () => {
    const done = app.running.services.events;
    const finished = new Promise<void>((resolve) => {
      const stop = done.subscribe((event) => {
        if (event.type === 'download_complete') {
          stop();
          resolve();
        }
      });
    });
    expect((await app.request('POST', '/api/queue/add', { token, body: { serie_id: 'demo-academy', episodes: [{ season: 1, episode: 1 }] } })).status).toBe(
      201,
    );
    await finished;

    const page = await openPage('de-DE', { width: 390, height: 800 });
    await page.goto(`${app.url}/queue`);
    await page.getByRole('heading', { name: 'Warteschlange', exact: true }).waitFor();
    // Nothing waits: a sentence, not an empty table header.
    await page.getByText('Es wartet nichts.').waitFor();
    expect(await page.locator('aw-queue-page section[aria-labelledby="pending-h"] table').count()).toBe(0);
    const history = page.locator('aw-queue-page section[aria-labelledby="history-h"] .table-wrap');
    await history.waitFor();
    const fits = await history.evaluate((wrap) => wrap.scrollWidth <= wrap.clientWidth + 1);
    expect(fits).toBe(true);

    const menu = page.getByRole('button', { name: 'Menü öffnen' });
    await menu.click();
    const links = page.getByRole('navigation', { name: 'Hauptmenü' }).getByRole('link', { name: 'Bibliothek' });
    await links.waitFor();
    expect(await page.locator('aw-app').evaluate((app) => app.shadowRoot!.querySelector('.main')!.hasAttribute('inert'))).toBe(true);
    await page.keyboard.press('Escape');
    await menu.waitFor();
    expect(await page.locator('aw-app').evaluate((app) => app.shadowRoot!.querySelector('.main')!.hasAttribute('inert'))).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label'))).toBe('Menü öffnen');

    await page.getByRole('tab', { name: /Abgeschlossen/ }).click();
    await page.getByRole('button', { name: 'Leeren' }).click();
    const toast = page.locator('aw-toaster .toast').first();
    await toast.waitFor();
    const box = await toast.boundingBox();
    expect(box!.y).toBeLessThan(60);
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 90_000);
});
