import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { ensurePanelBuilt, launchBrowser, signIn } from './browser.ts';
import { seriousAxeFindings } from './axe.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/**
 * The System page's scheduled tasks (run now) and database backups, the library page's
 * first-run checklist and the skip link, in a real Chromium in English and German (the browser's
 * language decides), with axe-core on every page, Series, Import and Notifications included.
 */
describe('System page, first-run checklist and skip link in the panel', () => {
  let site: FixtureSite;
  let app: TestApp;
  let token: string;
  let temp: { path: string; remove: () => Promise<void> };
  const browsers: { context: BrowserContext; close: () => Promise<void> }[] = [];

  beforeAll(async () => {
    await ensurePanelBuilt();
    site = await startFixtureSite({ port: 0, seriesCount: 3 });
    temp = await makeTempDir();
    app = await startTestApp({ env: { ANIWORLD_PROVIDER_URL: site.url } });
    token = await app.login();
    expect((await app.request('POST', '/api/anime/add', { token, body: { key: 'demo-academy' } })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await app?.dispose();
    await site?.close();
    await temp?.remove();
  });

  async function openPage(locale: string, size: { width?: number; height?: number } = {}): Promise<Page> {
    const browser = await launchBrowser({ locale, ...size });
    browsers.push(browser);
    const page = await browser.context.newPage();
    await signIn(page, token);
    onTestFailed(async () => {
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `system-page-failed-${locale}-${Date.now()}.png`), fullPage: true }).catch(() => {});
    });
    return page;
  }

  /** The element that has the focus, through the open shadow roots. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      let active: Element | null = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active ? { tag: active.tagName.toLowerCase(), id: active.id, text: active.textContent?.trim().slice(0, 40) ?? '' } : null;
    });

  it('shows the first-run checklist on a new install, each item linking to its fix, until it is hidden', async () => {
    const page = await openPage('en-US');
    await page.goto(`${app.url}/library`);
    const checklist = page.getByRole('region', { name: 'Getting started' });
    await checklist.waitFor();
    await checklist.getByText('2 of 4 done').waitFor();
    // The provider answered (the series was added through it); the media folder is writable.
    expect(await checklist.locator('li.done').evaluateAll((items) => items.map((item) => item.getAttribute('data-item')))).toEqual(['provider', 'media']);
    expect(await checklist.getByRole('link', { name: 'Add a connection' }).getAttribute('href')).toBe('/notifications');
    expect(await checklist.getByRole('link', { name: 'Test provider' }).getAttribute('href')).toBe('/system');
    await checklist.getByText('Now: German Dub, German Sub, English Sub').waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);

    await checklist.getByRole('button', { name: 'Keep these' }).click();
    await checklist.getByText('3 of 4 done').waitFor();
    await checklist.getByRole('button', { name: 'Hide the checklist' }).click();
    await checklist.waitFor({ state: 'detached' });
    expect((await focused(page))?.tag).toBe('h1');
    expect((await app.request('GET', '/api/config', { token })).body.onboarding).toEqual({ checklist_dismissed: true, languages_confirmed: true });
    await page.reload();
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.locator('aw-library-page a.tile').first().waitFor();
    expect(await page.getByRole('region', { name: 'Getting started' }).count()).toBe(0);
  }, 90_000);

  it('shows the checklist in German', async () => {
    await app.request('PUT', '/api/config', { token, body: { onboarding: { checklist_dismissed: false, languages_confirmed: false } } });
    const page = await openPage('de-DE');
    await page.goto(`${app.url}/library`);
    const checklist = page.getByRole('region', { name: 'Erste Schritte' });
    await checklist.getByText('2 von 4 erledigt').waitFor();
    await checklist.getByRole('link', { name: 'Verbindung hinzufügen' }).waitFor();
    await checklist.getByRole('button', { name: 'Checkliste ausblenden' }).waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
    await checklist.getByRole('button', { name: 'Checkliste ausblenden' }).click();
    await checklist.waitFor({ state: 'detached' });
  }, 90_000);

  it('the skip link moves the keyboard focus to the main content', async () => {
    const page = await openPage('en-US');
    await page.goto(`${app.url}/queue`);
    await page.getByRole('heading', { name: 'Queue', exact: true }).waitFor();
    const skip = page.getByRole('button', { name: 'Skip to content' });
    await skip.focus();
    // Off screen until it has the focus, then shown at the top left.
    expect((await skip.boundingBox())!.x).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ tag: 'main', id: 'content' });
    // The next Tab goes on inside the page, not back to the navigation.
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => {
        const main = document.querySelector('aw-app')!.shadowRoot!.querySelector('main')!;
        let active: Element | null = document.activeElement;
        const path: Element[] = [];
        while (active) {
          path.push(active);
          active = active.shadowRoot?.activeElement ?? null;
        }
        return path.some((element) => main.contains(element));
      }),
    ).toBe(true);
  }, 90_000);

  it('runs a scheduled task now and shows the run (English)', async () => {
    const page = await openPage('en-US');
    await page.goto(`${app.url}/system`);
    const tasks = page.getByRole('region', { name: 'Scheduled tasks' });
    const row = tasks.getByRole('row', { name: /Rescan the media folder/ });
    await row.getByText('Scheduled').waitFor();
    const before = (await app.request('GET', '/api/system/tasks', { token })).body.tasks.find((task: { name: string }) => task.name === 'rescan-library');
    const scanned = new Promise<void>((resolve) => {
      const stop = app.running.services.events.subscribe((event) => {
        if (event.type === 'scan_complete') {
          stop();
          resolve();
        }
      });
    });
    await row.getByRole('button', { name: 'Run now: Rescan the media folder' }).click();
    await page.getByText('Rescan the media folder started.').waitFor();
    await scanned;
    // The table follows the run to its end: back to "Scheduled", with a new last run.
    await row.getByText('Scheduled').waitFor();
    await expect
      .poll(
        async () =>
          (await app.request('GET', '/api/system/tasks', { token })).body.tasks.find((task: { name: string }) => task.name === 'rescan-library').last_run_at,
      )
      .not.toBe(before.last_run_at);
    expect((await focused(page))?.text).toContain('Run now');
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 90_000);

  it('backs up, downloads, restores and refuses a bad upload on the System page (English)', async () => {
    const page = await openPage('en-US');
    await page.goto(`${app.url}/system`);
    const card = page.getByRole('region', { name: 'Database backups' });
    await card.getByText('No database backups yet.').or(card.getByRole('table')).first().waitFor();
    await card.getByRole('button', { name: 'Back up now' }).click();
    await page.getByText(/^Database backup aniworld-.*-manual\.db created\.$/).waitFor();
    const name = (await app.request('GET', '/api/system/backups', { token })).body.backups[0].name as string;
    const row = card.getByRole('row', { name: new RegExp(name.replace(/\./g, '\\.')) });
    await row.getByText('Manual', { exact: true }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: `Download ${name}` }).click()]);
    expect(download.suggestedFilename()).toBe(name);
    const saved = join(temp.path, name);
    await download.saveAs(saved);
    expect((await readFile(saved)).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');

    // A change after the backup, then the restore takes it back.
    expect(
      (
        await app.request('POST', '/api/webhooks', {
          token,
          body: { name: 'made after the backup', url: 'http://127.0.0.1:9/hook', kind: 'json', events: ['download_complete'] },
        })
      ).status,
    ).toBe(201);
    await row.getByRole('button', { name: `Restore ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore this database backup?' });
    await page
      .locator('aw-dialog')
      .getByText(/no restart is needed/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await page.getByText(/^Database restored\. The previous state is saved as aniworld-.*-pre-restore\.db\.$/).waitFor();
    expect((await app.request('GET', '/api/webhooks', { token })).body).toEqual([]);

    // A file that is no database is refused with the server's reason; nothing is added.
    const countBefore = (await app.request('GET', '/api/system/backups', { token })).body.backups.length;
    await card
      .locator('#backup-file')
      .setInputFiles({ name: 'notes.db', mimeType: 'application/octet-stream', buffer: Buffer.from('just some notes\n'.repeat(64)) });
    await card
      .getByRole('alert')
      .getByText(/not a SQLite database/)
      .waitFor();
    expect((await app.request('GET', '/api/system/backups', { token })).body.backups.length).toBe(countBefore);

    // The downloaded file goes back up and is offered for restore at once.
    await card.locator('#backup-file').setInputFiles(saved);
    const again = page.getByRole('dialog', { name: 'Restore this database backup?' });
    await again.getByRole('button', { name: 'Restore' }).click();
    await page
      .getByText(/^Database restored\./)
      .last()
      .waitFor();
    await card.getByText('Uploaded', { exact: true }).first().waitFor();
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 120_000);

  it('speaks German on the System page', async () => {
    const page = await openPage('de-DE');
    await page.goto(`${app.url}/system`);
    await page.getByRole('heading', { name: 'Geplante Aufgaben' }).waitFor();
    const tasks = page.getByRole('region', { name: 'Geplante Aufgaben' });
    await tasks.getByRole('button', { name: 'Jetzt ausführen: Medienordner neu scannen' }).waitFor();
    const card = page.getByRole('region', { name: 'Datenbank-Sicherungen' });
    await card.getByRole('button', { name: 'Jetzt sichern' }).click();
    await page.getByText(/^Datenbank-Sicherung aniworld-.*-manual\.db erstellt\.$/).waitFor();
    await card.getByText('Manuell', { exact: true }).first().waitFor();
    await card.getByText('Vor einer Wiederherstellung', { exact: true }).first().waitFor();
    await card.getByRole('button', { name: 'Aus Datei wiederherstellen …' }).waitFor();
    const first = (await app.request('GET', '/api/system/backups', { token })).body.backups[0].name as string;
    await card.getByRole('button', { name: `${first} wiederherstellen` }).click();
    const dialog = page.getByRole('dialog', { name: 'Diese Datenbank-Sicherung wiederherstellen?' });
    await page
      .locator('aw-dialog')
      .getByText(/ein Neustart ist nicht nötig/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Abbrechen' }).click();
    expect(await seriousAxeFindings(page)).toEqual([]);
  }, 90_000);

  it('fits a 390 px phone: the System page and the checklist do not scroll sideways', async () => {
    await app.request('PUT', '/api/config', { token, body: { onboarding: { checklist_dismissed: false, languages_confirmed: false } } });
    const page = await openPage('de-DE', { width: 390, height: 800 });
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(`${app.url}/library`);
    await page.getByRole('region', { name: 'Erste Schritte' }).getByText('2 von 4 erledigt').waitFor();
    expect(await sideways()).toBeLessThanOrEqual(0);
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect((await app.request('POST', '/api/system/backups', { token })).status).toBe(201);
    await page.goto(`${app.url}/system`);
    await page.getByRole('region', { name: 'Datenbank-Sicherungen' }).getByRole('table').waitFor();
    await page.getByRole('region', { name: 'Geplante Aufgaben' }).getByRole('table').waitFor();
    expect(await sideways()).toBeLessThanOrEqual(0);
    expect(await seriousAxeFindings(page)).toEqual([]);
    await app.request('PUT', '/api/config', { token, body: { onboarding: { checklist_dismissed: true } } });
  }, 90_000);

  it('has no serious or critical axe findings on the Series, Import and Notifications pages', async () => {
    // Pages with content: a folder to import, a connection with its delivery log and the form.
    await mkdir(join(app.mediaDir, 'Unknown Show'), { recursive: true });
    expect(
      (
        await app.request('POST', '/api/webhooks', {
          token,
          body: { name: 'Jellyfin hook', url: 'http://127.0.0.1:9/hook', kind: 'json', events: ['download_complete'] },
        })
      ).status,
    ).toBe(201);
    for (const locale of ['en-US', 'de-DE']) {
      const page = await openPage(locale);
      const german = locale === 'de-DE';
      await page.goto(`${app.url}/series/demo-academy`);
      await page.getByRole('heading', { name: 'Demo Academy' }).waitFor();
      await page
        .getByText(/S01E01/)
        .first()
        .waitFor();
      expect(await seriousAxeFindings(page), `series page (${locale})`).toEqual([]);
      await page.goto(`${app.url}/library/import`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByText('Unknown Show').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await seriousAxeFindings(page), `import page (${locale})`).toEqual([]);
      await page.goto(`${app.url}/notifications`);
      await page.getByRole('heading', { name: german ? 'Benachrichtigungen' : 'Notifications', level: 1 }).waitFor();
      await page.getByText('Jellyfin hook').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await seriousAxeFindings(page), `notifications page (${locale})`).toEqual([]);
      await page
        .getByRole('button', { name: german ? 'Zustellprotokoll' : 'Delivery log' })
        .first()
        .click();
      await page
        .getByRole('button', { name: german ? 'Verbindung hinzufügen' : 'Add connection' })
        .first()
        .click();
      await page.waitForLoadState('networkidle');
      expect(await seriousAxeFindings(page), `notifications page with log and form (${locale})`).toEqual([]);
    }
  }, 120_000);
});
