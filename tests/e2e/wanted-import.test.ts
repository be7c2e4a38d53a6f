import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { nextEvent, writeQueueConfig } from '../integration/queue-helpers.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { ensurePanelBuilt, launchBrowser, signIn } from './browser.ts';
import { seriousAxeFindings } from './axe.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/** The wanted list, the library's multi-select and the live import page, in a real Chromium with axe-core. */
describe('wanted list and import in the panel', () => {
  let site: FixtureSite;
  let app: TestApp;
  let token: string;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    await ensurePanelBuilt();
    site = await startFixtureSite({ port: 0, seriesCount: 3 });
    const temp = await makeTempDir();
    await writeQueueConfig(temp.path);
    app = await startTestApp({ root: temp.path, env: { ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_WATCH: 'true' } });
    token = await app.login();
    for (const key of ['demo-academy', 'still-running']) expect((await app.request('POST', '/api/anime/add', { token, body: { key } })).status).toBe(201);
    // The selection must still be waiting when the queue page is read.
    expect((await app.request('POST', '/api/queue/stop', { token })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    for (const close of closers) await close();
    await app?.dispose();
    await site?.close();
  });

  async function openPage(locale = 'en-US'): Promise<Page> {
    const browser = await launchBrowser({ locale });
    closers.push(browser.close);
    const page = await browser.context.newPage();
    await signIn(page, token);
    onTestFailed(async () => {
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `wanted-import-failed-${Date.now()}.png`), fullPage: true }).catch(() => {});
    });
    return page;
  }

  it('selects two wanted episodes, downloads them through the queue, and shows them waiting there', async () => {
    const page = await openPage();
    await page.goto(`${app.url}/library`);
    await page.getByRole('navigation').first().getByRole('link', { name: 'Wanted' }).click();
    await page.getByRole('heading', { name: 'Wanted' }).waitFor();
    await page.getByText('7 episodes wanted · 0 selected').waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);

    await page.getByRole('checkbox', { name: 'Select Demo Academy S01E02' }).check();
    await page.getByRole('checkbox', { name: 'Select Still Running S01E01' }).check();
    const added = nextEvent(app, 'download_added', (event) => event.data.key === 'still-running');
    await page.getByRole('button', { name: 'Download selected (2)' }).click();
    await page.getByText('2 episodes queued.').waitFor();
    await added;
    // The list reloads after the download: both now say so.
    await page.getByText('In the queue').nth(1).waitFor();
    expect(await page.getByText('In the queue').count()).toBe(2);
    await page.getByText('7 episodes wanted · 0 selected').waitFor();

    // The filters narrow the list (and live in the URL).
    await page.getByLabel('Series').selectOption('demo-academy');
    await page.waitForURL(/\/wanted\?series=demo-academy$/);
    await page.getByText('5 episodes wanted · 0 selected').waitFor();

    await page.getByRole('navigation').first().getByRole('link', { name: 'Queue' }).click();
    const waiting = page.getByRole('region', { name: /Waiting/ });
    await waiting.getByRole('row').filter({ hasText: 'Demo Academy' }).filter({ hasText: 'S01E02' }).waitFor();
    await waiting.getByRole('row').filter({ hasText: 'Still Running' }).filter({ hasText: 'S01E01' }).waitFor();
    const pending = (await app.request('GET', '/api/queue/status', { token })).body.pending_queue;
    expect(pending.map((item: any) => `${item.key} ${item.season}x${item.episode}`).sort()).toEqual(['demo-academy 1x2', 'still-running 1x1']);
  }, 90_000);

  it('speaks German on the wanted page', async () => {
    const page = await openPage('de-DE');
    await page.goto(`${app.url}/wanted`);
    await page.getByRole('heading', { name: 'Gesucht' }).waitFor();
    await page.getByText('7 Folgen gesucht · 0 ausgewählt').waitFor();
    await page.getByRole('button', { name: 'Alle herunterladen (7)' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
    // The second list: files a language upgrade would replace (none here).
    await page.getByRole('button', { name: 'Upgrade möglich' }).click();
    await page.waitForURL(/\/wanted\?kind=upgradable$/);
    await page.getByRole('heading', { name: 'Keine Upgrades offen' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 90_000);

  it('unmonitors series picked in the library, which leaves the wanted list', async () => {
    const page = await openPage();
    await page.goto(`${app.url}/library`);
    await page.getByRole('button', { name: 'Select' }).click();
    await page.getByRole('checkbox', { name: 'Select Still Running' }).check();
    await page.getByText('1 selected').waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.getByRole('group', { name: 'Actions for the selected series' }).getByRole('button', { name: 'Unmonitor' }).click();
    await page.getByText('1 series done.').waitFor();
    expect((await app.request('GET', '/api/wanted', { token })).body.series.map((series: any) => series.key)).toEqual(['demo-academy']);
    await app.request('POST', '/api/anime/bulk', { token, body: { action: 'monitor', keys: ['still-running'] } });
  }, 90_000);

  it('shows a folder on the import page as soon as it is created on disk, and ignores it on request', async () => {
    await app.waitForLog((line) => line.msg === 'watching the media folder');
    const page = await openPage();
    await page.goto(`${app.url}/library/import`);
    await page.getByRole('heading', { name: 'Nothing to import' }).waitFor();

    const announced = nextEvent(app, 'import_folder_changed', (event) => event.data.folder === 'Hidden Languages (2020)');
    await mkdir(join(app.mediaDir, 'Hidden Languages (2020)'));
    await announced;
    const folder = page.getByRole('region', { name: 'Folder Hidden Languages (2020)' });
    await folder.getByText('Confident match').waitFor();
    await folder.getByRole('button', { name: 'Import as Hidden Languages' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);

    await folder.getByRole('button', { name: 'Ignore this folder' }).click();
    await page.getByRole('heading', { name: 'Nothing to import' }).waitFor();
    await page.getByText('Ignored folders (1)').click();
    await page.getByRole('button', { name: 'Suggest again' }).click();
    await folder.waitFor();
  }, 90_000);
});
