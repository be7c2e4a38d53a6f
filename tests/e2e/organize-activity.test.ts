import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { startAppWithSite } from '../helpers/site-app.ts';
import { ensurePanelBuilt, launchBrowser, signIn } from './browser.ts';
import { seriousAxeFindings } from './axe.ts';

/**
 * The Organize preview in real Chromium: an imported folder in an old layout is shown as the
 * renames it needs (companions and the clash included) before anything moves, then renamed; the
 * Activity page lists what happened and filters it, in English and German.
 */
const S1E1 = 'Season 01/Old Layout - S01E01 - Folge 1 der Staffel 1';
const video = randomBytes(96 * 1024);
const subtitle = Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nHallo\n');
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('organize preview and activity page', () => {
  let site: FixtureSite;
  let app: TestApp;
  let token: string;
  let folder: string;
  const browsers: { context: BrowserContext; close: () => Promise<void> }[] = [];

  beforeAll(async () => {
    await ensurePanelBuilt();
    ({ site, app, token } = await startAppWithSite(0));
    folder = join(app.mediaDir, 'Old Layout');
    await mkdir(join(folder, 'Season 02'), { recursive: true });
    await writeFile(join(folder, 'Old Layout S01E01.mkv'), video);
    await writeFile(join(folder, 'Old Layout S01E01.srt'), subtitle);
    await writeFile(join(folder, 'Old Layout S02E01.mkv'), randomBytes(4096));
    // The new name of S02E01 is taken: a clash the page must show and leave alone.
    await writeFile(join(folder, 'Season 02', 'Old Layout - S02E01 - Folge 1 der Staffel 2.mkv'), 'another file');
    const imported = await app.request('POST', '/api/anime/import', { token, body: { folder: 'Old Layout', key: 'old-layout' } });
    expect(imported.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await app?.dispose();
    await site?.close();
  });

  async function openPage(locale: string, path: string): Promise<{ page: Page; errors: string[] }> {
    const browser = await launchBrowser({ locale });
    browsers.push(browser);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, token);
    await page.goto(`${app.url}${path}`);
    return { page, errors };
  }

  it('previews the renames from the library and from the series page, and moves nothing until asked', async () => {
    const { page, errors } = await openPage('en-US', '/library');
    await page.getByRole('link', { name: 'Organize files' }).click();
    await page.waitForURL(/\/library\/organize$/);
    const rows = page.locator('aw-organize-page tbody tr');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((items) => items.map((item) => [...item.querySelectorAll('td.path')].map((cell) => cell.textContent?.trim())))).toEqual([
      ['Old Layout S01E01.mkv', `${S1E1}.mkv`],
      ['Old Layout S01E01.srt', `${S1E1}.srt`],
    ]);
    await expect.poll(() => page.locator('aw-organize-page .clashes').textContent()).toContain('a file with the new name exists already');
    expect(await page.locator('aw-organize-page .apply button.primary').textContent()).toContain('Rename 2 files');
    expect(await seriousAxeFindings(page)).toEqual([]);
    // Nothing has moved.
    expect(await exists(join(folder, 'Old Layout S01E01.mkv'))).toBe(true);
    expect(await exists(join(folder, `${S1E1}.mkv`))).toBe(false);

    // The same preview for one series, from its page; cancelling the confirmation moves nothing.
    await page.goto(`${app.url}/series/old-layout`);
    await page.getByRole('link', { name: 'Organize files' }).click();
    await page.waitForURL(/\/library\/organize\?series=old-layout$/);
    await page.locator('aw-organize-page tbody tr').first().waitFor();
    await page.locator('aw-organize-page .apply button.primary').click();
    const dialog = page.locator('aw-dialog dialog');
    await dialog.waitFor();
    expect(await page.locator('aw-dialog > p').textContent()).toContain('2 files are moved to the names shown');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await exists(join(folder, 'Old Layout S01E01.mkv'))).toBe(true);

    await page.locator('aw-organize-page .apply button.primary').click();
    await page.locator('aw-dialog dialog').getByRole('button', { name: 'Rename 2 files' }).click();
    await page.locator('aw-toaster').getByText('2 files renamed.').waitFor();
    expect(sha(await readFile(join(folder, `${S1E1}.mkv`)))).toBe(sha(video));
    expect(sha(await readFile(join(folder, `${S1E1}.srt`)))).toBe(sha(subtitle));
    expect(await exists(join(folder, 'Old Layout S01E01.mkv'))).toBe(false);
    // What is left is the clash: shown, not renamed, and the button has nothing to do.
    await expect.poll(() => page.locator('aw-organize-page tbody tr').count()).toBe(0);
    expect(await page.locator('aw-organize-page .clashes').textContent()).toContain('Old Layout S02E01.mkv');
    expect(await page.locator('aw-organize-page .apply button.primary').getAttribute('aria-disabled')).toBe('true');
    expect(await readFile(join(folder, 'Season 02', 'Old Layout - S02E01 - Folge 1 der Staffel 2.mkv'), 'utf8')).toBe('another file');
    expect(errors).toEqual([]);
  }, 90_000);

  it('lists what happened on the Activity page, filters by kind, and speaks German', async () => {
    const { page, errors } = await openPage('en-US', '/library');
    await page.locator('nav.side').getByRole('link', { name: 'Activity' }).click();
    await page.waitForURL(/\/activity$/);
    const rows = page.locator('aw-activity-page tbody tr');
    await rows.first().waitFor();
    const types = async () => rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
    expect(await types()).toEqual(expect.arrayContaining(['episodes_renamed', 'series_imported']));
    const renamed = page.locator('aw-activity-page tr[data-type="episodes_renamed"]');
    expect(await renamed.textContent()).toContain('Files renamed');
    expect(await renamed.textContent()).toContain('1 episode (2 files), 1 left alone');
    expect(await seriousAxeFindings(page)).toEqual([]);

    await page.locator('#activity-type').selectOption('renames');
    await page.waitForURL(/\/activity\?type=renames$/);
    await expect.poll(types).toEqual(['episodes_renamed']);
    await page.locator('#activity-type').selectOption('series');
    await expect.poll(types).toEqual(['series_imported']);
    expect(await page.locator('aw-activity-page tr[data-type="series_imported"]').textContent()).toContain('Existing folder Old Layout linked');
    expect(errors).toEqual([]);

    const german = await openPage('de-DE', '/activity?type=renames');
    await german.page.locator('aw-activity-page tbody tr').first().waitFor();
    expect(await german.page.locator('nav.side').getByRole('link', { name: 'Aktivität' }).count()).toBe(1);
    expect(await german.page.locator('aw-activity-page tr[data-type="episodes_renamed"]').textContent()).toContain('Dateien umbenannt');
    expect(await seriousAxeFindings(german.page)).toEqual([]);
    expect(german.errors).toEqual([]);
  }, 90_000);
});
