import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import { ensureMedia } from '../../scripts/fixture-site/media.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { nextEvent, startQueueApp } from '../integration/queue-helpers.ts';
import { ensurePanelBuilt, launchBrowser, signIn } from './browser.ts';
import { seriousAxeFindings } from './axe.ts';

/**
 * The series page shows the language of each file with the provider's flags, and follows an
 * upgrade that the refresh button starts: German Sub on disk, German Dub arrives, the row says
 * German Dub and that it was upgraded; the queue's history names both languages.
 */
describe('series page: the language of each file and its upgrade', () => {
  let site: FixtureSite;
  let app: TestApp;
  let token: string;
  let browser: { context: BrowserContext; close: () => Promise<void> };

  beforeAll(async () => {
    await Promise.all([ensurePanelBuilt(), ensureMedia()]);
    ({ site, app, token } = await startQueueApp({ series: [] }));
    await app.running.services.settings.patch({ provider: { cache_ttl_seconds: 0 } });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
    await site?.close();
  });

  it('shows German Sub with its flag, then German Dub after the refresh found it', async () => {
    site.setLanguages('still-running', 1, 1, [3]);
    expect((await app.request('POST', '/api/anime/add', { token, body: { key: 'still-running' } })).status).toBe(201);
    const downloaded = nextEvent(app, 'download_complete', (event) => event.data.key === 'still-running');
    await app.request('POST', '/api/queue/add', { token, body: { serie_id: 'still-running', episodes: [{ season: 1, episode: 1 }] } });
    await downloaded;

    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, token);
    await page.goto(`${app.url}/series/still-running`);
    const row = page.locator('aw-series-page tr', { hasText: 'S01E01' });
    const state = row.locator('td.state');
    await state.locator('.file-language', { hasText: 'German Sub' }).waitFor();
    // The file's language with its flag, and the languages offered as the provider's flags.
    expect(await state.locator('svg.flag').getAttribute('aria-label')).toBe('German Sub');
    expect(await row.locator('.langs svg.flag').evaluateAll((flags) => flags.map((flag) => flag.getAttribute('data-language')))).toEqual(['German Sub']);
    await expect(page.locator('aw-series-page label.switch', { hasText: 'Upgrades' }).locator('input').isChecked()).resolves.toBe(true);
    expect(await seriousAxeFindings(page)).toEqual([]);

    // The dub arrives; the refresh button finds it and the upgrade runs by itself.
    site.addLanguage('still-running', 1, 1, 1);
    const upgraded = nextEvent(app, 'episode_upgraded', (event) => event.data.key === 'still-running');
    await page.locator('aw-series-page button', { hasText: 'Refresh' }).click();
    await upgraded;
    // The page reloads on the events: the file's language follows, and the row says it was upgraded.
    await state.locator('.file-language svg.flag[aria-label="German Dub"]').waitFor();
    await state.locator('.badge', { hasText: 'Upgraded from German Sub' }).waitFor();
    expect(await row.locator('.langs svg.flag').evaluateAll((flags) => flags.map((flag) => flag.getAttribute('data-language')))).toEqual([
      'German Sub',
      'German Dub',
    ]);
    expect(await seriousAxeFindings(page)).toEqual([]);

    await page.goto(`${app.url}/queue`);
    await page.locator('aw-queue-page .badge.upgrade', { hasText: 'Upgrade German Sub → German Dub' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
